"""繁體中文 — the same keys as ``zh_hans`` (converted with OpenCC s2t, then read over by hand)."""
# ruff: noqa: E501  (a string table: one sentence per line reads better than wrapped fragments)

from __future__ import annotations

STRINGS: dict[str, str] = {
    # ── Risk levels: the first thing a user reads ──────────────────────────────────────────────
    "level.high": "🔴 高風險",
    "level.suspicious": "🟠 可疑",
    "level.low": "🟢 未發現明顯風險",
    "lead.high": "這很可能是詐騙。",
    "lead.suspicious": "有詐騙的跡象。先別照著做，核實清楚再說。",
    "lead.low": "沒有發現明顯的詐騙跡象，但這不能證明它是安全的。",
    "lead.number.high": "這個號碼很可能被用來詐騙。",
    "lead.number.suspicious": "這個號碼有可疑之處，接電話、回訊息要多留個心。",
    "lead.number.low": "沒有發現這個號碼的問題，但這不能證明它是安全的。",
    "category.line": "類型：{category}",
    "section.why": "為什麼：",
    "section.todo": "怎麼做：",
    "section.numbers": "號碼：",
    "more_evidence": "（還有 {count} 條依據，點「詳情」查看）",
    "no_evidence": "沒有找到可疑的說法、連結或號碼。",
    "span.at": "（第 {start}–{end} 字）",
    "photo_note": "📷 只檢查了圖片的文字說明，圖片本身暫時還看不了。",

    # ── Evidence ──────────────────────────────────────────────────────────────────────────────
    "ev.blocklist": "號碼 {number} 在黑名單上（{facts}）",
    "ev.blocklist.reporters": "{count} 人舉報",
    "ev.blocklist.moderator": "審核員確認",
    "ev.blocklist.since": "{date} 加入",
    "ev.blocklist.note": "記錄：{note}",
    "ev.allowlist": "{number} 是{owner}的官方號碼",
    "ev.impersonation": "自稱「{org}」，卻讓你聯絡 {number}，這不是它的官方號碼",
    "ev.impersonation.official": "（官方號碼：{official}）",
    "ev.impersonation.url": "自稱「{org}」，卻讓你登入或造訪 {url}，這不是它的官方網站",
    "ev.impersonation.official_site": "（官方網站：{official}）",
    "ev.number_signal": "號碼 {number}：{reason}",
    "ev.model": "文字很像詐騙訊息（可能性 {percent}%）",
    "ev.model.category": "文字很像「{category}」類詐騙（可能性 {percent}%）",
    "ev.model.low": "文字不太像詐騙訊息（詐騙可能性 {percent}%）",
    "ev.model.not_chinese": "這條消息主要不是中文：我的文字判斷只讀得懂中文，所以這次只查了號碼和連結",
    "ev.phrase": "出現詐騙常用說法「{phrase}」",
    "ev.phrases": "出現詐騙常用說法：{phrases}",
    "ev.card_trafficking": "在招人出租、出售銀行卡、電話卡或帳號：「{phrase}」",
    "ev.url": "含有連結：{domain}",
    "ev.link.risky": "連結 {domain} 的樣子可疑，先別點開",
    "ev.link.lookalike": "連結 {domain} 模仿{brand}的網址，不是它的官方網站",
    "ev.link.shortener": "連結 {domain} 是短網址，看不出真正會打開哪個網站",
    "ev.link.ip_address": "連結 {domain} 直接用數字位址，正規機構不會這樣發連結",
    "ev.forward.user": "↪️ 轉發自用戶「{title}」",
    "ev.forward.user_unknown": "↪️ 轉發自一位用戶",
    "ev.forward.hidden_user": "↪️ 轉發自隱藏了身份的用戶「{title}」",
    "ev.forward.chat": "↪️ 轉發自群組「{title}」",
    "ev.forward.channel": "↪️ 轉發自頻道「{title}」",
    "ev.forward.unknown": "↪️ 這是一條轉發的訊息",

    # ── A number's facts ─────────────────────────────────────────────────────────────────────
    "num.title": "📞 {number}",
    "num.facts": "{facts}",
    "num.blocklisted": "⛔ 在黑名單上（{facts}）",
    "num.allowlisted": "✅ 官方號碼：{owner}",
    "num.not_listed": "不在黑名單上，也不是已知的官方號碼。",
    "num.invalid": "這不像一個能打通的正常號碼。",
    "num.signal": "⚠️ {reason}",
    "list.sep": "，",
    "num.sep": " · ",
    "numtype.mobile": "手機號",
    "numtype.fixed_line": "固定電話",
    "numtype.fixed_line_or_mobile": "手機或固定電話",
    "numtype.toll_free": "800 免費電話",
    "numtype.shared_cost": "400 企業服務號",
    "numtype.premium": "付費增值號碼",
    "numtype.voip": "網路電話",
    "numtype.short_code": "短號碼（服務號碼）",
    "numtype.invalid": "無效號碼",
    "numtype.unknown": "類型不明",
    "signal.mvno": "虛擬營運商號段，詐騙中常見",
    "signal.overseas": "境外號碼",
    "signal.hk_mo_tw": "港澳台號碼",
    "signal.scam_hub_region": "來自跨境詐騙窩點集中的地區",
    "signal.invalid": "號碼格式不對",
    "signal.spoof_format": "格式異常，可能是偽造的來電顯示",
    "signal.obfuscated": "號碼被故意拆開或夾雜符號書寫，常見於躲避過濾的詐騙訊息",
    "signal.premium": "付費增值號碼，回撥會產生高額話費",
    "signal.voip": "網路電話，難以追查真實來源",
    "signal.unofficial_service_code": "不是已知的官方服務號碼",

    # ── Advice: what to do ───────────────────────────────────────────────────────────────────
    "advice.no_transfer": "不要轉帳、匯款，也不要按對方說的「驗證資金」。",
    "advice.no_codes": "不要把驗證碼、密碼告訴任何人，自稱客服、警察的也不行。",
    "advice.no_screen_share": "不要共享屏幕，不要下載對方讓你裝的 APP。",
    "advice.call_official": "先掛斷或不回覆，自己查到官方電話再打過去核實。",
    "advice.verify_in_person": "熟人、領導找你借錢或轉帳，先打他原來的電話或當面問清楚。",
    "advice.no_links": "不要點陌生連結，更不要在裡面填銀行卡號、密碼。",
    "advice.police_no_transfer": "公安、檢察院、法院不會打電話辦案，也沒有「安全帳戶」。",
    "advice.loan_no_fees": "正規貸款放款前不收手續費、保證金、解凍費。",
    "advice.task_scam": "刷單、做任務返佣金都是詐騙，先給的小錢是誘餌。",
    "advice.card_crime": "出租、出售、出借銀行卡、電話卡、收款碼或聊天帳號是犯罪（幫信罪），千萬別做。",
    "advice.call_96110": "拿不準就打 96110（全國反詐專線）問一問。",
    "advice.call_110": "如果已經轉了錢，馬上打 110 報警，保存好聊天記錄和轉帳憑證。",
    "advice.report_app": "可以在「國家反詐中心」APP 裡舉報。",
    "advice.cannot_prove_safe": "「未發現明顯風險」不等於安全：一旦涉及錢、驗證碼或陌生連結，還是要先核實。",

    # ── Categories (keys from bot.categories) ────────────────────────────────────────────────
    "cat.impersonate_police": "冒充公檢法",
    "cat.loan_credit": "貸款/代辦信用卡",
    "cat.fake_customer_service": "冒充客服",
    "cat.impersonate_acquaintance": "冒充領導熟人",
    "cat.task_rebate": "刷單返利",
    "cat.fake_investment": "虛假投資理財",
    "cat.romance": "婚戀交友",
    "cat.game_trading": "遊戲交易",
    "cat.phishing": "釣魚連結",
    "cat.fake_credit_repair": "虛假徵信",
    "cat.card_trafficking": "斷卡",
    "cat.illegal_service": "違法服務",
    "cat.other": "其他",

    # ── Commands ─────────────────────────────────────────────────────────────────────────────
    "cmd.start": "開始使用",
    "cmd.help": "能做什麼、不能做什麼",
    "cmd.lang": "換回覆的文字（簡體/繁體/English）",
    "cmd.privacy": "保存了什麼、保存多久",
    "cmd.appeal": "號碼被誤列入黑名單？申訴",
    "cmd.quiet": "群管理員：設定本群安靜模式（on/off）",
    "start": (
        "你好！我是反詐助手。\n\n"
        "把可疑的短信、聊天記錄轉發給我，或者直接把文字、電話號碼發給我，"
        "我會告訴你它像不像詐騙、為什麼，以及該怎麼做。\n\n"
        "我能做的：\n"
        "• 檢查文字裡的詐騙說法、連結和號碼\n"
        "• 查號碼：歸屬地、運營商、是否在黑名單上、是不是官方號碼\n"
        "• 分享聯絡人給我，也能查\n\n"
        "我做不到的：\n"
        "• 我不能證明一條訊息一定安全，「未發現明顯風險」不等於沒問題\n"
        "• 我看不了圖片和語音\n\n"
        "我永遠不會向你要驗證碼、密碼或錢。誰這樣要，都是騙子。\n"
        "拿不準就打 96110；已經轉了錢，馬上打 110。\n\n"
        "/help 使用說明 · /lang 換文字 · /privacy 隱私說明"
    ),
    "help": (
        "怎麼用：\n"
        "1. 收到可疑訊息，長按轉發給我；或把文字、號碼複製過來發給我。\n"
        "2. 我會回覆風險等級：🔴 高風險 / 🟠 可疑 / 🟢 未發現明顯風險，以及原因和建議。\n"
        "3. 回覆下面有按鈕：\n"
        "   🚩 舉報：交給志願審核員，核實後加入黑名單，提醒更多人\n"
        "   🤔 判斷有誤：告訴我們判斷錯了，幫助改進\n"
        "   📋 詳情：看全部依據\n\n"
        "在別的聊天裡也能用：輸入 @{bot_username} 加號碼或一句話。\n"
        "拉我進群：平時不說話，有人@我、回覆我，或者出現高風險訊息時才提醒。群管理員可用 /quiet off 讓我檢查每條訊息。\n\n"
        "請記住：我不能證明訊息安全；我不會要驗證碼、密碼或錢。\n"
        "拿不準打 96110，已轉帳打 110。"
    ),
    "privacy": (
        "隱私說明：保存了什麼、保存多久\n\n"
        "• 你發來檢查的訊息：只在檢查的那一刻用，不保存原文。\n"
        "• 檢查統計：只記哪天、什麼風險等級、什麼類型各有多少次，不記是誰、不記內容，長期保存。\n"
        "• 按鈕用的檢查摘要（風險等級和類型，不含原文、不含號碼）：{check_days} 天後自動刪除。\n"
        "• 你點「舉報」或「判斷有誤」時：保存號碼和判斷結果，供志願審核員處理；只有你選「附原文」時才保存原文，"
        "只給審核員看。這些記錄會一直保留，用來維護黑名單和改進判斷。\n"
        "• 你的 Telegram 帳號從不直接保存，只存一個加密代號（防止重複舉報、記住你的文字偏好）。"
        "唯一的例外是申訴，見下一條。\n"
        "• 你用 /appeal 申訴時：保存你的號碼、申訴理由和你的聊天 ID（審核結果要發回給你），供審核員處理並留作記錄；"
        "申訴沒走完的中間步驟最多保存 1 小時。\n"
        "• 轉發訊息的原發送人 ID 從不保存。\n"
        "• 你用 /lang 選的文字：保存到你再次修改為止。\n"
        "• 運行日誌不記訊息內容，電話號碼會被遮住。\n\n"
        "想刪除你附了原文的舉報，請聯絡機器人管理員。"
    ),
    "lang.prompt": "請選擇我回覆你時使用的文字：",
    "lang.set": "好的，以後用繁體中文回覆你。",
    "lang.name.zh-Hans": "简体中文",
    "lang.name.zh-Hant": "繁體中文",
    "lang.name.en": "English",

    # ── Buttons and their answers ────────────────────────────────────────────────────────────
    "btn.report": "🚩 舉報",
    "btn.wrong": "🤔 判斷有誤",
    "btn.details": "📋 詳情",
    "btn.report_with_text": "🚩 舉報（附原文）",
    "btn.report_without_text": "🚩 舉報（不附原文）",
    "btn.feedback_with_text": "提交（附原文）",
    "btn.feedback_without_text": "提交（不附原文）",
    "btn.cancel": "取消",
    "consent.report": "舉報會交給志願審核員核實。要不要附上原文？附原文能幫審核員判斷，只給審核員看；不附原文只提交號碼和判斷結果。",
    "consent.feedback": "謝謝你指出！要不要附上原文？附原文能幫我們改進判斷；不附原文只提交判斷結果。",
    "report.done": "✅ 已收到你的舉報，謝謝！審核員會盡快核實。",
    "report.done_with_text": "✅ 已收到你的舉報（附原文），謝謝！審核員會盡快核實。",
    "report.original_gone": "原訊息已經找不到了，這次只提交了判斷結果。",
    "report.limit": "你這一小時舉報得比較多，先休息一下，稍後再試。",
    "feedback.done": "✅ 已收到，謝謝你幫我們改進！",
    "cancelled": "已取消。",
    "check.expired": "這條檢查結果已經過期，請重新發送訊息給我檢查。",
    "details.unavailable": "原訊息已經找不到了，看不了詳情。請重新發送一次。",
    "callback.unknown": "這個按鈕已經失效了。",

    # ── Input the bot cannot check, limits, errors ───────────────────────────────────────────
    "input.too_long": (
        "這條訊息太長了（{length} 字），我一次最多檢查 {limit} 字。請只發可疑的那一段。"
    ),
    "input.bad_number": "這看起來不是一個有效的電話號碼。請檢查一下再發給我，或者把整段訊息轉發過來。",
    "input.empty": "請把要檢查的文字、號碼轉發或發給我。",
    "input.unsupported": (
        "這種訊息（{kind}）我還看不了。我能檢查文字、電話號碼和分享的聯絡人；"
        "圖片請附上文字說明，或把圖裡的文字打出來發給我。"
    ),
    "kind.sticker": "表情貼紙",
    "kind.voice": "語音",
    "kind.audio": "音頻",
    "kind.video": "視頻",
    "kind.video_note": "視頻訊息",
    "kind.document": "文件",
    "kind.photo": "沒有文字說明的圖片",
    "kind.animation": "動圖",
    "kind.location": "位置",
    "kind.poll": "投票",
    "kind.other": "這類訊息",
    "rate_limited": "你檢查得太快了，每分鐘最多 {limit} 次。請稍等一會兒再發。",
    "error.generic": "抱歉，剛才出了點問題，沒能檢查完。請稍後再試一次。",

    # ── Groups ───────────────────────────────────────────────────────────────────────────────
    "group.quiet_on": "好的，本群開啟安靜模式：只有被@、被回覆，或看到高風險訊息時我才說話。",
    "group.quiet_off": "好的，本群關閉安靜模式：我會檢查每一條訊息並回覆。",
    "group.quiet_status": "本群安靜模式：{state}。管理員可以用 /quiet on 或 /quiet off 修改。",
    "group.state_on": "開",
    "group.state_off": "關",
    "group.admins_only": "只有群管理員能修改這個設定。",
    "group.only_in_groups": "這個命令只能在群裡用。",
    "group.alert": "⚠️ 提醒大家：上面這條訊息風險很高，請不要照著做。",

    # ── Inline mode ──────────────────────────────────────────────────────────────────────────
    "inline.prompt_title": "輸入號碼或一句話來檢查",
    "inline.prompt_text": "輸入號碼或可疑的話，我來幫你看看像不像詐騙。",
    "inline.title": "{level}",
    "inline.description": "{summary}",
    "inline.too_long": "內容太長了，請私聊我檢查。",

    # ── Moderation (bot.telegram.moderation) ─────────────────────────────────────────────────
    "mod.private_only": "審核和申訴請在和我的私聊裡進行。",
    "mod.moderators_only": "⛔ 這個指令只有審核員能用。",
    "mod.admins_only": "⛔ 只有管理員能管理審核員。",
    "mod.bad_number": "❌ 號碼「{number}」不對：{reason}",
    "mod.bad_date": "❌ 日期「{value}」不對，請寫成 YYYY-MM-DD，比如 expires=2026-06-30。",
    "mod.unknown_category": "❌ 不認識的類型「{name}」。可用：{categories}",
    "mod.expires_note": "，{date} 到期",
    "mod.expired_note": "\n⚠️ 到期日 {date} 已經過了：記錄保留，但不會再命中檢查。",
    "mod.mod.usage": "用法：/mod add 使用者ID · /mod remove 使用者ID（也可以回覆對方的訊息）· /mod list",
    "mod.mod.added": "✅ 已把 {id} 設為審核員。",
    "mod.mod.already": "{id} 已經是審核員了。",
    "mod.mod.removed": "✅ 已取消 {id} 的審核員身份。",
    "mod.mod.not_moderator": "{id} 不是審核員。",
    "mod.mod.is_admin": "{id} 是管理員（FANZHA_ADMIN_IDS），不能用指令移除。",
    "mod.list.title": "👥 審核員（{count}）：",
    "mod.list.admin": "• {id}（管理員）",
    "mod.list.moderator": "• {id}",
    "mod.block.usage": "用法：/block 號碼 類型 [證據…] [expires=YYYY-MM-DD]\n或回覆一條轉發來的訊息：/block 類型 [證據…]\n類型：{categories}",
    "mod.block.no_numbers": "❌ 那條訊息裡沒有找到號碼。",
    "mod.block.added": "✅ 已拉黑 {number}（{category}）",
    "mod.block.updated": "✅ 已更新 {number}（{category}）",
    "mod.unblock.usage": "用法：/unblock 號碼 [原因]",
    "mod.unblock.done": "✅ 已把 {number} 移出黑名單。",
    "mod.unblock.not_listed": "{number} 不在黑名單上。",
    "mod.allow.usage": "用法：/allow 號碼 所屬機構 [別名，用 | 分開]\n例如：/allow 95588 中國工商銀行 工行|ICBC",
    "mod.allow.added": "✅ 已把 {number} 記為「{owner}」的官方號碼（別名：{aliases}）。",
    "mod.allow.updated": "✅ 已更新官方號碼 {number}：「{owner}」（別名：{aliases}）。",
    "mod.lookup.usage": "用法：/lookup 號碼",
    "mod.lookup.title": "📞 {number}",
    "mod.lookup.not_listed": "不在黑名單上。",
    "mod.lookup.covered": "這個號碼本身不在名單上，但被號段 {prefix} 覆蓋：",
    "mod.lookup.listed": "⛔ 在黑名單上",
    "mod.lookup.expired": "⌛ 已過期（{date} 到期），不再命中檢查",
    "mod.lookup.removed": "已移出黑名單（{date}，原因：{reason}）",
    "mod.lookup.entry": "類型：{category} · 來源：{source} · 加入：{date} · 到期：{expires}",
    "mod.lookup.evidence": "證據：{evidence}",
    "mod.lookup.official": "✅ 官方號碼：{owner}",
    "mod.lookup.reports": "舉報：待處理 {pending} · 已採納 {accepted} · 已駁回 {rejected}（{reporters} 人）",
    "mod.lookup.history": "歷史：",
    "mod.history.row": "• {date} {action} {actor}",
    "mod.action.blocklist.add": "加入",
    "mod.action.blocklist.update": "修改",
    "mod.action.blocklist.remove": "移出",
    "mod.source.moderator": "審核員",
    "mod.source.import": "匯入",
    "mod.source.reports": "使用者舉報",
    "mod.export.caption": "📤 黑名單，共 {count} 條。改好後發回給我就能匯入。",
    "mod.import.preview.blocklist": "📄 {name}（黑名單）：新增 {add} 條 · 更新 {update} 條 · 不變 {same} 條",
    "mod.import.preview.allowlist": "📄 {name}（官方號碼）：新增 {add} 條 · 更新 {update} 條 · 不變 {same} 條",
    "mod.import.more": "……還有 {count} 條",
    "mod.import.ask": "確認匯入嗎？",
    "mod.import.errors": "❌ {name} 有 {count} 處錯誤，什麼都沒有匯入：",
    "mod.import.error_line": "第 {line} 行：{reason}",
    "mod.import.more_errors": "……還有 {count} 處錯誤",
    "mod.import.fix": "改好後再發一次。",
    "mod.import.nothing": "📄 {name}：{same} 條都已經在列表裡，不用匯入。",
    "mod.import.done": "✅ {name} 已匯入：新增 {add} 條，更新 {update} 條，不變 {same} 條。",
    "mod.import.cancelled": "已取消，{name} 沒有匯入，什麼都沒改。",
    "mod.import.expired": "這次匯入已經失效了，請重新傳送檔案。",
    "mod.import.too_big": "❌ 檔案太大，最多 {mb} MB。",
    "mod.btn.confirm_import": "✅ 確認匯入",
    "mod.btn.cancel": "取消",
    "mod.btn.back": "↩️ 返回",
    "mod.btn.block": "⛔ 拉黑",
    "mod.btn.confirm_fraud": "⛔ 是詐騙",
    "mod.btn.reject": "✖️ 駁回",
    "mod.btn.skip": "⏭ 跳過",
    "mod.btn.delist": "✅ 移出黑名單",
    "mod.btn.keep": "✖️ 維持",
    "mod.btn.fb_legit": "✅ 確實不是詐騙",
    "mod.btn.fb_fraud": "⛔ 是詐騙（選類型）",
    "mod.btn.fb_right": "✖️ 原判斷沒錯",
    "mod.queue.title": "📋 待審核：{count} 項",
    "mod.queue.number": "📞 被舉報的號碼：{number}",
    "mod.queue.text": "📝 被舉報的訊息（沒有號碼）",
    "mod.queue.text_numbers": "同一訊息裡的號碼：{numbers}",
    "mod.queue.reporters": "舉報人：{reporters} 人（可信度合計 {weight}），共 {reports} 次",
    "mod.queue.levels": "機器判斷：{levels}",
    "mod.queue.suggested": "建議類型：{category}",
    "mod.queue.texts": "舉報人同意保留的原文：",
    "mod.queue.no_texts": "（沒有保留原文）",
    "mod.queue.listed": "已在黑名單上：{category}",
    "mod.queue.appeal": "🙋 申訴 #{id}：{number}",
    "mod.queue.reason": "理由：{reason}",
    "mod.queue.empty": "🎉 佇列是空的，沒有待審核的內容。",
    "mod.queue.all_skipped": "剩下的 {count} 項都跳過了。發 /queue 從頭再看。",
    "mod.queue.skipped": "⏭ 已跳過",
    "mod.queue.gone": "這一項已經處理過了。",
    "mod.queue.blocked": "✅ 已拉黑 {number}（{category}），採納 {reports} 條舉報。",
    "mod.queue.confirmed": "✅ 已確認是詐騙（{category}），採納 {reports} 條舉報。",
    "mod.queue.rejected": "✖️ 已駁回 {reports} 條舉報。",
    "mod.queue.appeal_accepted": "✅ 申訴通過，{number} 已移出黑名單，已通知申訴人。",
    "mod.queue.appeal_rejected": "✖️ 申訴駁回，{number} 仍在黑名單上，已通知申訴人。",
    "mod.feedback.title": "🤔 “判斷有誤”回饋 #{id}（待處理 {count} 條）",
    "mod.feedback.verdict": "機器判斷：{verdict}",
    "mod.feedback.comment": "留言：{comment}",
    "mod.feedback.empty": "🎉 沒有待處理的回饋。",
    "mod.feedback.all_skipped": "剩下的 {count} 條回饋都跳過了。發 /feedback 從頭再看。",
    "mod.feedback.legit": "✅ 已標為“不是詐騙”。",
    "mod.feedback.fraud": "✅ 已標為詐騙：{category}。",
    "mod.feedback.right": "✖️ 已標為“原判斷沒錯”。",
    "mod.stats.title": "📊 最近 {days} 天（{since} 起）",
    "mod.stats.checks": "檢查：共 {total} 次",
    "mod.stats.levels": "結果：{levels}",
    "mod.stats.categories": "常見類型：{categories}",
    "mod.stats.queue": "佇列：待審核 {ready} · 未達門檻 {waiting} · 回饋 {feedback} · 申訴 {appeals}",
    "mod.stats.handled": "已處理舉報：採納 {accepted} · 駁回 {rejected}",
    "mod.stats.blocklist": "黑名單：{count} 條",
    "mod.appeal.start": "號碼被誤拉黑了？先證明號碼是你的：點下面的「分享我的號碼」按鈕。\n發 /cancel 可以取消。",
    "mod.appeal.share_button": "📱 分享我的號碼",
    "mod.appeal.need_contact": "請點下面的「分享我的號碼」按鈕（發 /cancel 取消）。",
    "mod.appeal.not_own": "這是別人的名片。只能為你自己的號碼申訴：請點「分享我的號碼」按鈕。",
    "mod.appeal.not_listed": "你的號碼 {number} 不在黑名單上，不需要申訴。",
    "mod.appeal.pending": "{number} 的申訴已經在處理了，請等結果。",
    "mod.appeal.ask_reason": "已確認 {number} 是你的號碼。請用一條訊息說明為什麼它不該在黑名單上。",
    "mod.appeal.need_reason": "請用文字說明理由（發 /cancel 取消）。",
    "mod.appeal.submitted": "✅ 申訴 #{id} 已提交。審核員處理後會在這裡告訴你結果。",
    "mod.notify.report": "🔔 新的待審核舉報：{number} 已被多位用戶舉報。舉報隊列裡現在有 {count} 項，發送 /queue 處理。",
    "mod.notify.appeal": "🔔 新的申訴 #{id}：號碼 {number} 的主人請求移出黑名單。發送 /queue 處理。",
    "mod.appeal.accepted": "✅ 你對 {number} 的申訴已通過，號碼已移出黑名單。",
    "mod.appeal.rejected": "你對 {number} 的申訴沒有通過，號碼仍在黑名單上。",
    "mod.appeal.cancelled": "已取消申訴。",
    "mod.cancel.nothing": "現在沒有要取消的操作。",
    "mod.report.duplicate": "你已經舉報過了，審核員會盡快核實。",
}
