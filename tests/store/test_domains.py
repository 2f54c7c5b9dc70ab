"""The domain blocklist on SQLite and PostgreSQL: moderators' changes with provenance and audit, the checker's
lookup (a host or any parent), refusals (official sites, shorteners, platforms), CSV files, and seeding from
the real public list in the shared data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot import PROJECT_ROOT
from bot.store import CsvError, NotFound
from bot.urls import BadDomain

SHARED = Path(os.environ.get("FANZHA_SHARED_DATA") or PROJECT_ROOT.parent / "shared" / "data")
TW165 = SHARED / "tw165_fake_investment_domains" / "blacklist.txt"


def test_a_listed_domain_covers_its_hosts_with_its_provenance(store):
    entry, created = store.add_domain("https://WWW.Evil-Pay.xyz/login", "钓鱼链接", actor="tg:7",
                                      evidence="三人举报同一短信")
    assert created and (entry.domain, entry.category, entry.added_by, entry.source) == (
        "evil-pay.xyz", "phishing", "tg:7", "moderator")
    hit = store.lookup_domain("m.login.evil-pay.xyz")
    assert hit is not None
    assert (hit.domain, hit.evidence, hit.source) == ("evil-pay.xyz", "三人举报同一短信", "moderator")
    assert store.lookup_domain("evil-pay.xyz.cn") is None      # another site that merely starts the same
    assert store.lookup_domain("notevil-pay.xyz") is None
    store.add_domain("app.scam.top", "fake_investment", actor="cli")
    assert store.lookup_domain("app.scam.top") is not None
    assert store.lookup_domain("www.scam.top") is None          # a listed host does not list its parent


def test_removing_keeps_the_story_and_readding_reactivates(store):
    store.add_domain("evil-pay.xyz", "phishing", actor="tg:1")
    removed = store.remove_domain("evil-pay.xyz", actor="tg:2", reason="域名已被注销")
    assert not removed.active and store.lookup_domain("evil-pay.xyz") is None
    with pytest.raises(NotFound):
        store.remove_domain("evil-pay.xyz", actor="tg:2")
    _, created = store.add_domain("evil-pay.xyz", "phishing", actor="tg:3")
    assert created
    history = store.domain_history("evil-pay.xyz")
    assert [(h.action, h.actor) for h in history] == [
        ("domain.add", "tg:1"), ("domain.remove", "tg:2"), ("domain.add", "tg:3")]
    assert history[1].after["removed_reason"] == "域名已被注销"


@pytest.mark.parametrize(("value", "reason"), [
    ("icbc.com.cn", "official"), ("www.icbc.com.cn/personal", "official"), ("95516.com", "official"),
    ("t.cn", "shared"), ("bit.ly", "shared"), ("play.google.com/store/apps/details?id=x", "shared"),
    ("github.io", "shared"), ("com.cn", "not_a_domain"), ("ETF.COIN", "not_a_domain"), ("1.2.3.4", "not_a_domain"),
])
def test_official_sites_shorteners_and_platforms_cannot_be_listed(store, value, reason):
    with pytest.raises(BadDomain) as refused:
        store.add_domain(value, "phishing", actor="cli")
    assert refused.value.reason == reason
    assert store.count_domains() == 0 and not [a for a in store.audit_log() if a.action.startswith("domain")]


def test_csv_round_trip_is_audited_and_all_or_nothing(store):
    store.add_domain("evil-pay.xyz", "phishing", actor="tg:1", evidence="note, with comma")
    exported = store.export_domains_csv()
    assert exported.splitlines()[0] == "domain,category,evidence,source"
    bad = exported + "icbc.com.cn,phishing,,\nfresh-scam.top,fake_investment,,\n"
    with pytest.raises(CsvError) as refused:
        store.import_domains_csv(bad, actor="tg:9")
    assert [(e.line, e.key) for e in refused.value.errors] == [(3, "domain_official")]
    assert store.lookup_domain("fresh-scam.top") is None        # nothing of the file was applied
    good = "domain,category,evidence,source\nfresh-scam.top,虚假投资理财,165 通报,165 list\nevil-pay.xyz,phishing,,\n"
    result = store.import_domains_csv(good, actor="tg:9")
    assert (result.added, result.updated) == (1, 1)
    hit = store.lookup_domain("fresh-scam.top")
    assert (hit.category, hit.evidence, hit.source, hit.added_by) == ("fake_investment", "165 通报", "165 list", "tg:9")
    batch = store.audit_log(target="domains:import")[0]
    assert batch.after["added_domains"] == ["fresh-scam.top"] and batch.actor == "tg:9"
    assert store.import_domains_csv(good, actor="tg:9").changed == 0   # the same file again changes nothing


def test_seeding_from_the_real_tw165_list(store):
    """The public list: its ad-and-tracker head is left out, its scam sites match, and nothing official or
    shared gets in (the list holds a Play Store link)."""
    if not TW165.exists():
        pytest.fail(f"the shared data file is missing: {TW165} (set FANZHA_SHARED_DATA)")
    outcome = store.seed_domains(TW165, source="165", skip_lines=1421)
    assert outcome.result.added > 12_000
    assert store.lookup_domain("www.0857.games").source == "165"          # the list's first scam site
    assert store.lookup_domain("download.100exbtc.top") is not None
    assert store.lookup_domain("ebaystatic.com") is None                   # the ad-tracker head, left out
    assert store.lookup_domain("play.google.com") is None
    assert {reason for _, _, reason in outcome.skipped} <= {"duplicate", "not_a_domain", "shared"}
    assert store.seed_domains(TW165, source="165", skip_lines=1421).result.changed == 0
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM domain_blocklist WHERE import_batch_id IS NULL")).scalar() == 0


def test_the_seed_command_reads_the_shared_folder(tmp_path):
    if not TW165.exists():
        pytest.fail(f"the shared data file is missing: {TW165} (set FANZHA_SHARED_DATA)")
    env = {**os.environ, "FANZHA_DATABASE_URL": f"sqlite:///{tmp_path / 'f.db'}", "FANZHA_USE_MODEL": "0"}
    run = subprocess.run([sys.executable, "-m", "bot.cli", "domains", "seed", "--data-dir", str(SHARED)],
                         capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "tw165_fake_investment_domains:" in run.stdout and "added" in run.stdout
    shown = subprocess.run([sys.executable, "-m", "bot.cli", "domains", "show", "0857.games"],
                           capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=60)
    assert "165" in shown.stdout and "fake_investment" in shown.stdout
