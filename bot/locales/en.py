"""English — the same keys as ``zh_hans``."""
# ruff: noqa: E501  (a string table: one sentence per line reads better than wrapped fragments)

from __future__ import annotations

STRINGS: dict[str, str] = {
    # ── Risk levels: the first thing a user reads ──────────────────────────────────────────────
    "level.high": "🔴 High risk",
    "level.suspicious": "🟠 Suspicious",
    "level.low": "🟢 No clear warning signs",
    "lead.high": "This is very likely a scam.",
    "lead.suspicious": "This shows signs of a scam. Don't act on it until you have checked.",
    "lead.low": "I found no clear signs of fraud, but that cannot prove it is safe.",
    "lead.number.high": "This number is very likely used for fraud.",
    "lead.number.suspicious": "Something about this number is unusual; be careful with calls and messages.",
    "lead.number.low": "I found nothing against this number, but that cannot prove it is safe.",
    "category.line": "Type: {category}",
    "section.why": "Why:",
    "section.todo": "What to do:",
    "section.numbers": "Numbers:",
    "more_evidence": "({count} more reasons: tap “Details”)",
    "no_evidence": "No suspicious wording, links or numbers were found.",
    "span.at": " (characters {start}–{end})",
    "photo_note": "📷 I checked only the caption; I cannot read the image itself yet.",

    # ── Evidence ──────────────────────────────────────────────────────────────────────────────
    "ev.blocklist": "The number {number} is on the blocklist ({facts})",
    "ev.blocklist.reporters": "reported by {count} people",
    "ev.blocklist.moderator": "confirmed by a moderator",
    "ev.blocklist.since": "added {date}",
    "ev.blocklist.note": "note: {note}",
    "ev.allowlist": "{number} is an official number of {owner}",
    "ev.impersonation": "It claims to be “{org}” but asks you to contact {number}, which is not its official number",
    "ev.impersonation.official": " (official number: {official})",
    "ev.impersonation.url": "It claims to be “{org}” but sends you to {url}, which is not its official website",
    "ev.impersonation.official_site": " (official site: {official})",
    "ev.number_signal": "Number {number}: {reason}",
    "ev.model": "The wording looks like a scam message ({percent}% likely)",
    "ev.model.category": "The wording looks like a “{category}” scam ({percent}% likely)",
    "ev.model.low": "The wording does not look like a scam ({percent}% likely)",
    "ev.model.not_chinese": "This message is mostly not in Chinese: my text check only reads Chinese, so I checked only its numbers and links",
    "ev.phrase": "Uses a typical scam phrase: “{phrase}”",
    "ev.phrases": "Uses typical scam phrases: {phrases}",
    "ev.card_trafficking": "Recruits people to rent out or sell bank cards, SIM cards or accounts: “{phrase}”",
    "ev.url": "Contains a link: {domain}",
    "ev.link.risky": "The link {domain} looks suspicious; do not open it yet",
    "ev.link.lookalike": "The link {domain} imitates the address of {brand}; it is not its official site",
    "ev.link.shortener": "The link {domain} is a short link that hides where it really goes",
    "ev.link.ip_address": "The link {domain} is a bare numeric address; real organisations do not send such links",
    "ev.forward.user": "↪️ Forwarded from the user “{title}”",
    "ev.forward.user_unknown": "↪️ Forwarded from a user",
    "ev.forward.hidden_user": "↪️ Forwarded from a user who hides their account: “{title}”",
    "ev.forward.chat": "↪️ Forwarded from the group “{title}”",
    "ev.forward.channel": "↪️ Forwarded from the channel “{title}”",
    "ev.forward.unknown": "↪️ This is a forwarded message",

    # ── A number's facts ─────────────────────────────────────────────────────────────────────
    "num.title": "📞 {number}",
    "num.facts": "{facts}",
    "num.blocklisted": "⛔ On the blocklist ({facts})",
    "num.allowlisted": "✅ Official number: {owner}",
    "num.not_listed": "Not on the blocklist and not a known official number.",
    "num.invalid": "This does not look like a normal, reachable number.",
    "num.signal": "⚠️ {reason}",
    "list.sep": ", ",
    "num.sep": " · ",
    "numtype.mobile": "mobile",
    "numtype.fixed_line": "landline",
    "numtype.fixed_line_or_mobile": "mobile or landline",
    "numtype.toll_free": "toll-free (800)",
    "numtype.shared_cost": "400 business line",
    "numtype.premium": "premium-rate",
    "numtype.voip": "internet phone (VoIP)",
    "numtype.short_code": "short service number",
    "numtype.invalid": "invalid number",
    "numtype.unknown": "unknown type",
    "signal.mvno": "virtual-operator (MVNO) range, common in scams",
    "signal.overseas": "overseas number; Chinese institutions do not call from abroad",
    "signal.hk_mo_tw": "Hong Kong / Macau / Taiwan number",
    "signal.scam_hub_region": "from a region known for cross-border scam centres",
    "signal.invalid": "not a valid number",
    "signal.spoof_format": "odd format, possibly a spoofed caller ID",
    "signal.obfuscated": "written split up or mixed with symbols to dodge filters",
    "signal.premium": "premium-rate number: calling back costs a lot",
    "signal.voip": "internet phone number, hard to trace",
    "signal.unofficial_service_code": "not a known official service number",

    # ── Advice: what to do ───────────────────────────────────────────────────────────────────
    "advice.no_transfer": "Do not transfer or send money, not even to “verify your funds”.",
    "advice.no_codes": "Never share verification codes or passwords, even with someone claiming to be support or police.",
    "advice.no_screen_share": "Do not share your screen and do not install apps they ask you to.",
    "advice.call_official": "Hang up or stop replying, look up the official number yourself and call it.",
    "advice.verify_in_person": "If a friend or boss asks for money, call their old number or ask in person first.",
    "advice.no_links": "Do not open unknown links, and never type card numbers or passwords into them.",
    "advice.police_no_transfer": "Police, prosecutors and courts do not handle cases by phone; there is no “safe account”.",
    "advice.loan_no_fees": "Real lenders do not charge fees, deposits or “unfreezing” fees before paying out.",
    "advice.task_scam": "Paid “tasks” and order-brushing are scams; the first small payouts are bait.",
    "advice.card_crime": "Renting out, selling or lending bank cards, SIM cards, payment codes or chat accounts is a crime in China (帮信罪).",
    "advice.call_96110": "Not sure? Call 96110, China's national anti-fraud hotline.",
    "advice.call_110": "If you already sent money, call 110 (police) right away and keep the chats and receipts.",
    "advice.report_app": "You can report it in the “国家反诈中心” (National Anti-Fraud Center) app.",
    "advice.cannot_prove_safe": "“No clear warning signs” does not mean safe: check first whenever money, codes or unknown links are involved.",

    # ── Categories (keys from bot.categories) ────────────────────────────────────────────────
    "cat.impersonate_police": "Impersonating police/government",
    "cat.loan_credit": "Fake loan / credit card",
    "cat.fake_customer_service": "Fake customer service",
    "cat.impersonate_acquaintance": "Impersonating boss/acquaintance",
    "cat.task_rebate": "Task / order-brushing rebate",
    "cat.fake_investment": "Fake investment",
    "cat.romance": "Romance scam",
    "cat.game_trading": "Game trading scam",
    "cat.phishing": "Phishing link",
    "cat.fake_credit_repair": "Fake credit-record repair",
    "cat.card_trafficking": "Card/account trafficking",
    "cat.illegal_service": "Illegal service",
    "cat.other": "Other",

    # ── Commands ─────────────────────────────────────────────────────────────────────────────
    "cmd.start": "Start",
    "cmd.help": "What I can and cannot do",
    "cmd.lang": "Reply language (简体/繁體/English)",
    "cmd.privacy": "What is stored and for how long",
    "cmd.appeal": "Your number wrongly blocklisted? Appeal",
    "cmd.quiet": "Group admins: quiet mode on/off",
    "start": (
        "Hello! I help you spot telecom fraud.\n\n"
        "Forward me a suspicious SMS or chat message, or paste its text or a phone number, "
        "and I'll tell you whether it looks like a scam, why, and what to do.\n\n"
        "What I can do:\n"
        "• check the wording, links and numbers in a message\n"
        "• look up a number: region, carrier, blocklist, official numbers\n"
        "• check a contact you share with me\n\n"
        "What I cannot do:\n"
        "• I cannot prove a message is safe: “no clear warning signs” is not a guarantee\n"
        "• I cannot read images or voice messages\n\n"
        "I will never ask you for codes, passwords or money. Anyone who does is a scammer.\n"
        "Not sure? Call 96110. Already sent money? Call 110.\n\n"
        "/help how to use · /lang language · /privacy privacy"
    ),
    "help": (
        "How to use me:\n"
        "1. Forward a suspicious message to me, or paste its text or a number.\n"
        "2. I reply with a level: 🔴 high risk / 🟠 suspicious / 🟢 no clear warning signs, with reasons and advice.\n"
        "3. Under the reply there are buttons:\n"
        "   🚩 Report: sends it to volunteer moderators, who can blocklist the number to warn others\n"
        "   🤔 Wrong verdict: tell us the verdict was wrong\n"
        "   📋 Details: all the reasons\n\n"
        "In any chat: type @{bot_username} followed by a number or a short text.\n"
        "In groups I stay quiet unless mentioned, replied to, or I see a high-risk message. "
        "Group admins can use /quiet off to have every message checked.\n\n"
        "Remember: I cannot prove a message is safe, and I never ask for codes, passwords or money.\n"
        "Not sure? Call 96110. Already sent money? Call 110."
    ),
    "privacy": (
        "Privacy: what is stored, and for how long\n\n"
        "• Messages you send for checking are used only while checking; the text is not stored.\n"
        "• Check statistics: only how many checks per day, risk level and type; no identity, no content; kept.\n"
        "• The check summary behind the buttons (level and type; no text, no numbers): deleted after {check_days} days.\n"
        "• When you tap “Report” or “Wrong verdict”, the numbers and the verdict are kept for the volunteer "
        "moderators; the text only if you choose “with text”, and only moderators see it. These records are "
        "kept to maintain the blocklist and improve the checks.\n"
        "• Your Telegram account is never stored as such, only as a keyed hash (to stop duplicate reports "
        "and remember your language). The one exception is an appeal, see next.\n"
        "• When you /appeal: your number, your reason and your chat id (to send you the outcome) are kept for "
        "the moderators and as a record; the steps of an unfinished appeal are kept for at most 1 hour.\n"
        "• The id of a forwarded message's original sender is never stored.\n"
        "• Your /lang choice is kept until you change it.\n"
        "• Logs never contain message text, and phone numbers in them are masked.\n\n"
        "To have a report with its text deleted, contact the bot's administrator."
    ),
    "lang.prompt": "Choose the language I reply in:",
    "lang.set": "OK, I'll reply in English from now on.",
    "lang.name.zh-Hans": "简体中文",
    "lang.name.zh-Hant": "繁體中文",
    "lang.name.en": "English",

    # ── Buttons and their answers ────────────────────────────────────────────────────────────
    "btn.report": "🚩 Report",
    "btn.wrong": "🤔 Wrong verdict",
    "btn.details": "📋 Details",
    "btn.report_with_text": "🚩 Report with text",
    "btn.report_without_text": "🚩 Report without text",
    "btn.feedback_with_text": "Send with text",
    "btn.feedback_without_text": "Send without text",
    "btn.cancel": "Cancel",
    "consent.report": "Reports go to volunteer moderators. Include the message text? It helps them decide, and only they see it. Without it, only the numbers and the verdict are sent.",
    "consent.feedback": "Thanks for telling us! Include the message text? It helps us improve. Without it, only the verdict is sent.",
    "report.done": "✅ Report received, thank you! Moderators will check it soon.",
    "report.done_with_text": "✅ Report (with text) received, thank you! Moderators will check it soon.",
    "report.original_gone": "The original message is gone, so only the verdict was sent.",
    "report.limit": "You have sent many reports this hour. Please try again later.",
    "feedback.done": "✅ Got it, thank you for helping us improve!",
    "cancelled": "Cancelled.",
    "check.expired": "This check has expired. Please send the message again.",
    "details.unavailable": "The original message is gone, so I cannot show details. Please send it again.",
    "callback.unknown": "This button no longer works.",

    # ── Input the bot cannot check, limits, errors ───────────────────────────────────────────
    "input.too_long": (
        "This message is too long ({length} characters); I can check up to {limit}. "
        "Please send just the suspicious part."
    ),
    "input.bad_number": "That does not look like a valid phone number. Please check it, or forward the whole message.",
    "input.empty": "Forward or send me the text or number you want checked.",
    "input.unsupported": (
        "I can't check this kind of message ({kind}) yet. I can check text, phone numbers and shared "
        "contacts; for an image, add a caption or type out its text."
    ),
    "kind.sticker": "sticker",
    "kind.voice": "voice message",
    "kind.audio": "audio",
    "kind.video": "video",
    "kind.video_note": "video message",
    "kind.document": "file",
    "kind.photo": "image without caption",
    "kind.animation": "GIF",
    "kind.location": "location",
    "kind.poll": "poll",
    "kind.other": "this kind of message",
    "rate_limited": "You're checking very fast: at most {limit} checks a minute. Please wait a moment.",
    "error.generic": "Sorry, something went wrong and I could not finish the check. Please try again later.",

    # ── Groups ───────────────────────────────────────────────────────────────────────────────
    "group.quiet_on": "Quiet mode on: I speak only when mentioned, replied to, or when I see a high-risk message.",
    "group.quiet_off": "Quiet mode off: I will check and answer every message.",
    "group.quiet_status": "Quiet mode here: {state}. Admins can change it with /quiet on or /quiet off.",
    "group.state_on": "on",
    "group.state_off": "off",
    "group.admins_only": "Only group admins can change this setting.",
    "group.only_in_groups": "This command works only in groups.",
    "group.alert": "⚠️ Heads up, everyone: the message above is high risk. Do not act on it.",

    # ── Inline mode ──────────────────────────────────────────────────────────────────────────
    "inline.prompt_title": "Type a number or a short text to check",
    "inline.prompt_text": "Type a number or a suspicious sentence and I'll tell you if it looks like a scam.",
    "inline.title": "{level}",
    "inline.description": "{summary}",
    "inline.too_long": "Too long for inline mode; please message me directly.",

    # ── Moderation (bot.telegram.moderation) ─────────────────────────────────────────────────
    "mod.private_only": "Moderation and appeals work in a private chat with me.",
    "mod.moderators_only": "⛔ Only moderators can use this command.",
    "mod.admins_only": "⛔ Only admins can manage moderators.",
    "mod.bad_number": "❌ The number “{number}” is not right: {reason}",
    "mod.bad_date": "❌ The date “{value}” is not right. Write it as YYYY-MM-DD, e.g. expires=2026-06-30.",
    "mod.unknown_category": "❌ Unknown category “{name}”. Use one of: {categories}",
    "mod.expires_note": ", expires {date}",
    "mod.expired_note": "\n⚠️ The expiry date {date} has passed: the entry is kept but no longer matches checks.",
    "mod.mod.usage": "Usage: /mod add USER_ID · /mod remove USER_ID (or reply to their message) · /mod list",
    "mod.mod.added": "✅ {id} is now a moderator.",
    "mod.mod.already": "{id} is a moderator already.",
    "mod.mod.removed": "✅ {id} is no longer a moderator.",
    "mod.mod.not_moderator": "{id} is not a moderator.",
    "mod.mod.is_admin": "{id} is an admin (FANZHA_ADMIN_IDS) and cannot be removed by command.",
    "mod.list.title": "👥 Moderators ({count}):",
    "mod.list.admin": "• {id} (admin)",
    "mod.list.moderator": "• {id}",
    "mod.block.usage": "Usage: /block NUMBER CATEGORY [evidence…] [expires=YYYY-MM-DD]\nOr reply to a forwarded message: /block CATEGORY [evidence…]\nCategories: {categories}",
    "mod.block.no_numbers": "❌ I found no number in that message.",
    "mod.block.added": "✅ Blocked {number} ({category})",
    "mod.block.updated": "✅ Updated {number} ({category})",
    "mod.unblock.usage": "Usage: /unblock NUMBER [reason]",
    "mod.unblock.done": "✅ {number} is off the blocklist.",
    "mod.unblock.not_listed": "{number} is not on the blocklist.",
    "mod.allow.usage": "Usage: /allow NUMBER OWNER [aliases separated by |]\nExample: /allow 95588 中国工商银行 工行|ICBC",
    "mod.allow.added": "✅ {number} is now an official number of “{owner}” (aliases: {aliases}).",
    "mod.allow.updated": "✅ Updated official number {number}: “{owner}” (aliases: {aliases}).",
    "mod.lookup.usage": "Usage: /lookup NUMBER",
    "mod.lookup.title": "📞 {number}",
    "mod.lookup.not_listed": "Not on the blocklist.",
    "mod.lookup.covered": "No entry of its own, but covered by the prefix {prefix}:",
    "mod.lookup.listed": "⛔ On the blocklist",
    "mod.lookup.expired": "⌛ Expired ({date}): no longer matches checks",
    "mod.lookup.removed": "Removed from the blocklist ({date}, reason: {reason})",
    "mod.lookup.entry": "Category: {category} · source: {source} · added: {date} · expires: {expires}",
    "mod.lookup.evidence": "Evidence: {evidence}",
    "mod.lookup.official": "✅ Official number: {owner}",
    "mod.lookup.reports": "Reports: pending {pending} · accepted {accepted} · rejected {rejected} ({reporters} people)",
    "mod.lookup.history": "History:",
    "mod.history.row": "• {date} {action} {actor}",
    "mod.action.blocklist.add": "added",
    "mod.action.blocklist.update": "changed",
    "mod.action.blocklist.remove": "removed",
    "mod.source.moderator": "moderator",
    "mod.source.import": "import",
    "mod.source.reports": "user reports",
    "mod.export.caption": "📤 The blocklist, {count} entries. Send it back edited to import it.",
    "mod.import.preview.blocklist": "📄 {name} (blocklist): add {add} · update {update} · unchanged {same}",
    "mod.import.preview.allowlist": "📄 {name} (official numbers): add {add} · update {update} · unchanged {same}",
    "mod.import.more": "… and {count} more",
    "mod.import.ask": "Import it?",
    "mod.import.errors": "❌ {name} has {count} error(s); nothing was imported:",
    "mod.import.error_line": "line {line}: {reason}",
    "mod.import.more_errors": "… and {count} more error(s)",
    "mod.import.fix": "Fix the file and send it again.",
    "mod.import.nothing": "📄 {name}: all {same} rows are on the list already; nothing to import.",
    "mod.import.done": "✅ Imported {name}: added {add}, updated {update}, unchanged {same}.",
    "mod.import.cancelled": "Cancelled: {name} was not imported, nothing changed.",
    "mod.import.expired": "This import is no longer available. Please send the file again.",
    "mod.import.too_big": "❌ The file is too big (at most {mb} MB).",
    "mod.btn.confirm_import": "✅ Import",
    "mod.btn.cancel": "Cancel",
    "mod.btn.back": "↩️ Back",
    "mod.btn.block": "⛔ Block",
    "mod.btn.confirm_fraud": "⛔ Fraud",
    "mod.btn.reject": "✖️ Reject",
    "mod.btn.skip": "⏭ Skip",
    "mod.btn.delist": "✅ Delist",
    "mod.btn.keep": "✖️ Keep",
    "mod.btn.fb_legit": "✅ Not fraud",
    "mod.btn.fb_fraud": "⛔ Fraud (pick type)",
    "mod.btn.fb_right": "✖️ Verdict was right",
    "mod.queue.title": "📋 To review: {count}",
    "mod.queue.number": "📞 Reported number: {number}",
    "mod.queue.text": "📝 Reported message (no number)",
    "mod.queue.text_numbers": "Numbers in the same message: {numbers}",
    "mod.queue.reporters": "Reporters: {reporters} (trust total {weight}), {reports} reports",
    "mod.queue.levels": "Verdicts: {levels}",
    "mod.queue.suggested": "Suggested category: {category}",
    "mod.queue.texts": "Texts the reporters agreed to keep:",
    "mod.queue.no_texts": "(no text kept)",
    "mod.queue.listed": "Already on the blocklist: {category}",
    "mod.queue.appeal": "🙋 Appeal #{id}: {number}",
    "mod.queue.reason": "Reason: {reason}",
    "mod.queue.empty": "🎉 The queue is empty.",
    "mod.queue.all_skipped": "You skipped the remaining {count} item(s). Send /queue to start over.",
    "mod.queue.skipped": "⏭ Skipped",
    "mod.queue.gone": "This item was handled already.",
    "mod.queue.blocked": "✅ Blocked {number} ({category}); {reports} report(s) accepted.",
    "mod.queue.confirmed": "✅ Confirmed as fraud ({category}); {reports} report(s) accepted.",
    "mod.queue.rejected": "✖️ Rejected {reports} report(s).",
    "mod.queue.appeal_accepted": "✅ Appeal accepted: {number} is off the blocklist; the appellant was told.",
    "mod.queue.appeal_rejected": "✖️ Appeal rejected: {number} stays on the blocklist; the appellant was told.",
    "mod.feedback.title": "🤔 “Wrong verdict” #{id} ({count} pending)",
    "mod.feedback.verdict": "The bot said: {verdict}",
    "mod.feedback.comment": "Comment: {comment}",
    "mod.feedback.empty": "🎉 No feedback waiting.",
    "mod.feedback.all_skipped": "You skipped the remaining {count} item(s). Send /feedback to start over.",
    "mod.feedback.legit": "✅ Marked as not fraud.",
    "mod.feedback.fraud": "✅ Marked as fraud: {category}.",
    "mod.feedback.right": "✖️ Marked as: the verdict was right.",
    "mod.stats.title": "📊 Last {days} days (since {since})",
    "mod.stats.checks": "Checks: {total}",
    "mod.stats.levels": "Results: {levels}",
    "mod.stats.categories": "Top categories: {categories}",
    "mod.stats.queue": "Queue: to review {ready} · below threshold {waiting} · feedback {feedback} · appeals {appeals}",
    "mod.stats.handled": "Reports handled: accepted {accepted} · rejected {rejected}",
    "mod.stats.blocklist": "Blocklist: {count} entries",
    "mod.appeal.start": "Is your number wrongly blocklisted? First prove it is yours: tap “Share my number” below.\nSend /cancel to stop.",
    "mod.appeal.share_button": "📱 Share my number",
    "mod.appeal.need_contact": "Please tap the “Share my number” button below (/cancel to stop).",
    "mod.appeal.not_own": "That is someone else's contact. You can only appeal for your own number: tap “Share my number”.",
    "mod.appeal.not_listed": "Your number {number} is not on the blocklist; there is nothing to appeal.",
    "mod.appeal.pending": "An appeal for {number} is already being handled. Please wait for the outcome.",
    "mod.appeal.ask_reason": "Confirmed: {number} is your number. In one message, tell us why it should not be on the blocklist.",
    "mod.appeal.need_reason": "Please explain in words (/cancel to stop).",
    "mod.appeal.submitted": "✅ Appeal #{id} submitted. I will tell you here when a moderator has decided.",
    "mod.notify.report": "🔔 New in the review queue: {number}, reported by several users. {count} reported items are waiting; send /queue to review.",
    "mod.notify.appeal": "🔔 New appeal #{id}: the owner of {number} asks to be taken off the blocklist. Send /queue to review.",
    "mod.appeal.accepted": "✅ Your appeal for {number} was accepted; the number is off the blocklist.",
    "mod.appeal.rejected": "Your appeal for {number} was not accepted; the number stays on the blocklist.",
    "mod.appeal.cancelled": "Appeal cancelled.",
    "mod.cancel.nothing": "There is nothing to cancel.",
    "mod.report.duplicate": "You have reported this already; moderators will check it soon.",
}
