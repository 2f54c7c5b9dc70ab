"""The Chinese scam-detection model: data, training, evaluation, inference. Never imports ``bot``."""
