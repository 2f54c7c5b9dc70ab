"""English scams aimed at Chinese speakers abroad, by tactic, and their genuine counterparts. The model does not read
English, so these levels rest on the rules alone: a tactic with its ask (or two tactics) is high, a genuine notice
from the same embassy, courier, immigration office or family is low. Every sentence is written for the test, none
is from data/eval."""

from __future__ import annotations

import pytest

from bot.check import Checker, StoreLists
from bot.rules import find_phrases
from bot.store import Store
from bot.verdict import RiskLevel


def _strong(text: str) -> set[str]:
    return {h.rule.id for h in find_phrases(text) if h.strong}


@pytest.mark.parametrize(("text", "rule"), [
    # "Chinese police", consulates and couriers
    ("You are a suspect in a money laundering case involving 3.8 million RMB.", "en_crime_accusation"),
    ("Your name appeared in a smuggling case and your visa may be revoked.", "en_crime_accusation"),
    ("A parcel registered with your passport number is held at customs.", "en_crime_accusation"),
    ("I will now transfer your call to the Shanghai police department.", "en_transfer_to_police"),
    ("Inspector Li from the Beijing Public Security Bureau needs to speak to you.", "en_china_police"),
    ("The package was found to contain forged documents and has been detained.", "en_customs_parcel"),
    ("Find a room where nobody can hear you and keep the video on at all times.", "en_isolation"),
    ("This investigation is top secret, you are not allowed to tell your roommates.", "en_isolation"),
    ("You have been placed under remote supervision. Delete our chat history after each call.", "en_under_watch"),
    ("To prove your innocence, the funds will be returned after the fund verification.", "en_innocence_fee"),
    ("Call us back urgently or your visa will be cancelled.", "en_or_else_cancelled"),
    ("A penalty for your Biometric Residence Permit must be paid within 48 hours to avoid removal.",
     "en_visa_fee_deadline"),
    ("Contact our immigration officer on WhatsApp immediately.", "en_official_on_chat_app"),
    # kidnapping, staged and real
    ("We are holding your son. If you want him back, do as we say.", "en_kidnap_ransom"),
    ("If you call the police she will suffer.", "en_no_police"),
    ("Record a video of yourself tied up so we can catch the gang.", "en_staged_kidnap"),
    # family, friends, landlords
    ("Mum my phone got wet, could you lend me 600 for my rent?", "en_family_phone_money"),
    ("It's me, I had to get a new SIM. I need you to pay an invoice for me today.", "en_new_number_money"),
    ("Please don't call, the line is terrible. Can you send £300 to my flatmate?", "en_no_call_money"),
    ("I'm currently abroad for work, so I can't show you the place.", "en_rent_deposit_first"),
    ("Once the bond is paid I'll courier the keys to you.", "en_keys_by_post"),
    ("I've changed bank accounts, please pay this month's rent to the new account below.", "en_changed_account"),
    # money, jobs, investment
    ("I can exchange RMB to AUD at a much better rate than the bank.", "en_currency_swap"),
    ("Your PayID payment is pending until your account is upgraded. Please pay the upgrade fee.",
     "en_payment_upgrade"),
    ("We need you to withdraw £3,000 in cash; an officer will collect it from your home.", "en_cash_courier"),
    ("Your computer is infected with a virus. Call our technicians on 0800 098 8302.", "en_tech_support"),
    ("We have located your lost crypto funds; a recovery fee is required.", "en_fund_recovery"),
    ("Oh sorry, wrong number! But you seem nice. Where are you from?", "en_wrong_number_friend"),
    ("Receive payments for our company into your account and keep 10%.", "en_money_mule"),
    ("I need money for the flight ticket so we can finally meet.", "en_romance_travel_money"),
    ("The exchange is regulated, your money is totally safe. I withdrew 50k without any problem.",
     "en_safe_platform_talk"),
    ("At 21:00 buy 'up' on the BTC 120-second contract.", "en_follow_signals"),
    ("You received a premium order, please deposit the amount to clear your balance.", "en_task_terms"),
    ("We'll send you a code to block the transaction, please read it out to me.", "en_code_read_back"),
    ("We guarantee your PR approval through our internal contact.", "en_fee_agent"),
])
def test_english_tactics_abroad(text, rule):
    assert rule in _strong(text), _strong(text)


@pytest.mark.parametrize("text", [
    "Chinese Embassy reminder: passport renewal appointments can be booked in the China Consular Service app.",
    "Your DHL parcel is out for delivery today between 10:00 and 14:00.",
    "Customs declaration required: please upload the commercial invoice for your parcel in the FedEx app.",
    "IRCC: Your study permit extension has been approved. Your new permit will be mailed to you.",
    "Reminder: your BRP expires on 31 December. Apply for an eVisa account before then. There is no fee.",
    "Hey, this is my new number, my old phone died. Save it! Talk later.",
    "Dad can you send me some money for next term's rent? It's £2,400, same account as usual.",
    "Hi mum, I got the part-time job at the bubble tea shop! 15 hours a week, $25 an hour.",
    "The landlord agreed to a viewing on Saturday; we sign the tenancy agreement after the viewing.",
    "I exchanged my RMB at the bank today, the rate was 4.61.",
    "I've sent the $80 for the sofa via PayID, it should be in your account now.",
    "Metropolitan Police: your crime reference number is 4410-22. An officer will contact you about your report.",
    "I need a police certificate from the Shanghai Public Security Bureau for my visa application.",
    "Sorry, wrong number!",
    "Your Westpac card ending 4410 was used for $45.20. If you don't recognise this, call the number on the back "
    "of your card.",
    "I've been investing in an index fund through my bank app for a year, it's up about 7%.",
])
def test_their_genuine_counterparts_carry_no_tactic(text):
    assert _strong(text) == set()


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('english') / 'fanzha.db'}")
    checker = Checker(StoreLists(store), None)
    yield checker
    checker.close()
    store.close()


@pytest.mark.parametrize("text", [
    "Hello, this is SF Express. A parcel registered with your passport number was held at Shanghai customs for "
    "containing forged documents. We are transferring you to the Shanghai Public Security Bureau.",
    "We have your daughter. You have 12 hours to transfer the money. If you call the police she will suffer.",
    "Officer Zhang, Guangzhou Public Security Bureau. You are a suspect in a money laundering case. We need your "
    "statement over video call now.",
    "Department of Home Affairs: we detected an error in your visa. Call us back urgently on 0480 221 907 or your "
    "visa will be cancelled.",
    "Mum, I'm using Wang Lei's phone, mine is dead. I must pay the library fine of £380 today. Can you send it to his "
    "account? Don't call, we're in the exam hall.",
    "Hi, the studio is available. I'm working in Dubai so I can't show it, but pay the bond of $1,400 and I'll "
    "courier the keys to you.",
])
def test_english_scams_are_high_on_the_rules_alone(checker, text):
    assert checker.check_text_sync(text).risk_level == RiskLevel.HIGH


@pytest.mark.parametrize("text", [
    "Consulate General notice: the visa office will be closed on 1 October. Services resume on 8 October.",
    "Hi Wei, this is Sarah from the International Student Office. Your CAS letter is ready in the student portal.",
    "Hi mum, landed safely in Sydney! Will call you tomorrow after I get my SIM card sorted.",
    "Our records show your tuition fee instalment of £4,625 is due on 15 January. Pay through the university portal.",
])
def test_genuine_english_messages_are_low(checker, text):
    assert checker.check_text_sync(text).risk_level == RiskLevel.LOW
