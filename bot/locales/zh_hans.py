"""简体中文 — every user-facing string (the reference table; the other two have the same keys)."""
# ruff: noqa: E501  (a string table: one sentence per line reads better than wrapped fragments)

from __future__ import annotations

STRINGS: dict[str, str] = {
    # ── Risk levels: the first thing a user reads ──────────────────────────────────────────────
    "level.high": "🔴 高风险",
    "level.suspicious": "🟠 可疑",
    "level.low": "🟢 未发现明显风险",
    "lead.high": "这很可能是诈骗。",
    "lead.suspicious": "有诈骗的迹象。先别照着做，核实清楚再说。",
    "lead.low": "没有发现明显的诈骗迹象，但这不能证明它是安全的。",
    "lead.number.high": "这个号码很可能被用来诈骗。",
    "lead.number.suspicious": "这个号码有可疑之处，接电话、回消息要多留个心。",
    "lead.number.low": "没有发现这个号码的问题，但这不能证明它是安全的。",
    "category.line": "类型：{category}",
    "section.why": "为什么：",
    "section.todo": "怎么做：",
    "section.numbers": "号码：",
    "more_evidence": "（还有 {count} 条依据，点「详情」查看）",
    "no_evidence": "没有找到可疑的说法、链接或号码。",
    "span.at": "（第 {start}–{end} 字）",
    "photo_note": "📷 只检查了图片的文字说明，图片本身暂时还看不了。",

    # ── Evidence ──────────────────────────────────────────────────────────────────────────────
    "ev.blocklist": "号码 {number} 在黑名单上（{facts}）",
    "ev.blocklist.reporters": "{count} 人举报",
    "ev.blocklist.moderator": "审核员确认",
    "ev.blocklist.since": "{date} 加入",
    "ev.blocklist.note": "记录：{note}",
    "ev.allowlist": "{number} 是{owner}的官方号码",
    "ev.impersonation": "自称「{org}」，却让你联系 {number}，这不是它的官方号码",
    "ev.impersonation.official": "（官方号码：{official}）",
    "ev.impersonation.url": "自称「{org}」，却让你登录或访问 {url}，这不是它的官方网站",
    "ev.impersonation.official_site": "（官方网站：{official}）",
    "ev.number_signal": "号码 {number}：{reason}",
    "ev.model": "文字很像诈骗信息（可能性 {percent}%）",
    "ev.model.category": "文字很像「{category}」类诈骗（可能性 {percent}%）",
    "ev.model.low": "文字不太像诈骗信息（诈骗可能性 {percent}%）",
    "ev.model.not_chinese": "这条消息主要不是中文：我的文字判断只读得懂中文，所以这次只查了号码和链接",
    "ev.phrase": "出现诈骗常用说法「{phrase}」",
    "ev.phrases": "出现诈骗常用说法：{phrases}",
    "ev.card_trafficking": "在招人出租、出售银行卡、电话卡或账号：「{phrase}」",
    "ev.url": "含有链接：{domain}",
    "ev.link.risky": "链接 {domain} 的样子可疑，先别点开",
    "ev.link.lookalike": "链接 {domain} 模仿{brand}的网址，不是它的官方网站",
    "ev.link.shortener": "链接 {domain} 是短链接，看不出真正会打开哪个网站",
    "ev.link.ip_address": "链接 {domain} 直接用数字地址，正规机构不会这样发链接",
    "ev.forward.user": "↪️ 转发自用户「{title}」",
    "ev.forward.user_unknown": "↪️ 转发自一位用户",
    "ev.forward.hidden_user": "↪️ 转发自隐藏了身份的用户「{title}」",
    "ev.forward.chat": "↪️ 转发自群组「{title}」",
    "ev.forward.channel": "↪️ 转发自频道「{title}」",
    "ev.forward.unknown": "↪️ 这是一条转发的消息",

    # ── A number's facts ─────────────────────────────────────────────────────────────────────
    "num.title": "📞 {number}",
    "num.facts": "{facts}",
    "num.blocklisted": "⛔ 在黑名单上（{facts}）",
    "num.allowlisted": "✅ 官方号码：{owner}",
    "num.not_listed": "不在黑名单上，也不是已知的官方号码。",
    "num.invalid": "这不像一个能打通的正常号码。",
    "num.signal": "⚠️ {reason}",
    "list.sep": "，",
    "num.sep": " · ",
    "numtype.mobile": "手机号",
    "numtype.fixed_line": "固定电话",
    "numtype.fixed_line_or_mobile": "手机或固定电话",
    "numtype.toll_free": "800 免费电话",
    "numtype.shared_cost": "400 企业服务号",
    "numtype.premium": "付费增值号码",
    "numtype.voip": "网络电话",
    "numtype.short_code": "短号码（服务号码）",
    "numtype.invalid": "无效号码",
    "numtype.unknown": "类型不明",
    "signal.mvno": "虚拟运营商号段，诈骗中常见",
    "signal.overseas": "境外号码",
    "signal.hk_mo_tw": "港澳台号码",
    "signal.scam_hub_region": "来自跨境诈骗窝点集中的地区",
    "signal.invalid": "号码格式不对",
    "signal.spoof_format": "格式异常，可能是伪造的来电显示",
    "signal.obfuscated": "号码被故意拆开或夹杂符号书写，常见于躲避过滤的诈骗信息",
    "signal.premium": "付费增值号码，回拨会产生高额话费",
    "signal.voip": "网络电话，难以追查真实来源",
    "signal.unofficial_service_code": "不是已知的官方服务号码",

    # ── Advice: what to do ───────────────────────────────────────────────────────────────────
    "advice.no_transfer": "不要转账、汇款，也不要按对方说的“验证资金”。",
    "advice.no_codes": "不要把验证码、密码告诉任何人，自称客服、警察的也不行。",
    "advice.no_screen_share": "不要共享屏幕，不要下载对方让你装的 APP。",
    "advice.call_official": "先挂断或不回复，自己查到官方电话再打过去核实。",
    "advice.verify_in_person": "熟人、领导找你借钱或转账，先打他原来的电话或当面问清楚。",
    "advice.no_links": "不要点陌生链接，更不要在里面填银行卡号、密码。",
    "advice.police_no_transfer": "公安、检察院、法院不会打电话办案，也没有“安全账户”。",
    "advice.loan_no_fees": "正规贷款放款前不收手续费、保证金、解冻费。",
    "advice.task_scam": "刷单、做任务返佣金都是诈骗，先给的小钱是诱饵。",
    "advice.card_crime": "出租、出售、出借银行卡、电话卡、收款码或聊天账号是犯罪（帮信罪），千万别做。",
    "advice.call_96110": "拿不准就打 96110（全国反诈专线）问一问。",
    "advice.call_110": "如果已经转了钱，马上打 110 报警，保存好聊天记录和转账凭证。",
    "advice.report_app": "可以在“国家反诈中心”APP 里举报。",
    "advice.cannot_prove_safe": "“未发现明显风险”不等于安全：一旦涉及钱、验证码或陌生链接，还是要先核实。",

    # ── Categories (keys from bot.categories) ────────────────────────────────────────────────
    "cat.impersonate_police": "冒充公检法",
    "cat.loan_credit": "贷款/代办信用卡",
    "cat.fake_customer_service": "冒充客服",
    "cat.impersonate_acquaintance": "冒充领导熟人",
    "cat.task_rebate": "刷单返利",
    "cat.fake_investment": "虚假投资理财",
    "cat.romance": "婚恋交友",
    "cat.game_trading": "游戏交易",
    "cat.phishing": "钓鱼链接",
    "cat.fake_credit_repair": "虚假征信",
    "cat.card_trafficking": "断卡",
    "cat.illegal_service": "违法服务",
    "cat.other": "其他",

    # ── Commands ─────────────────────────────────────────────────────────────────────────────
    "cmd.start": "开始使用",
    "cmd.help": "能做什么、不能做什么",
    "cmd.lang": "换回复的文字（简体/繁體/English）",
    "cmd.privacy": "保存了什么、保存多久",
    "cmd.appeal": "号码被误列入黑名单？申诉",
    "cmd.quiet": "群管理员：设置本群安静模式（on/off）",
    "start": (
        "你好！我是反诈助手。\n\n"
        "把可疑的短信、聊天记录转发给我，或者直接把文字、电话号码发给我，"
        "我会告诉你它像不像诈骗、为什么，以及该怎么做。\n\n"
        "我能做的：\n"
        "• 检查文字里的诈骗说法、链接和号码\n"
        "• 查号码：归属地、运营商、是否在黑名单上、是不是官方号码\n"
        "• 分享联系人给我，也能查\n\n"
        "我做不到的：\n"
        "• 我不能证明一条消息一定安全，“未发现明显风险”不等于没问题\n"
        "• 我看不了图片和语音\n\n"
        "我永远不会向你要验证码、密码或钱。谁这样要，都是骗子。\n"
        "拿不准就打 96110；已经转了钱，马上打 110。\n\n"
        "/help 使用说明 · /lang 换文字 · /privacy 隐私说明"
    ),
    "help": (
        "怎么用：\n"
        "1. 收到可疑消息，长按转发给我；或把文字、号码复制过来发给我。\n"
        "2. 我会回复风险等级：🔴 高风险 / 🟠 可疑 / 🟢 未发现明显风险，以及原因和建议。\n"
        "3. 回复下面有按钮：\n"
        "   🚩 举报：交给志愿审核员，核实后加入黑名单，提醒更多人\n"
        "   🤔 判断有误：告诉我们判断错了，帮助改进\n"
        "   📋 详情：看全部依据\n\n"
        "在别的聊天里也能用：输入 @{bot_username} 加号码或一句话。\n"
        "拉我进群：平时不说话，有人@我、回复我，或者出现高风险消息时才提醒。群管理员可用 /quiet off 让我检查每条消息。\n\n"
        "请记住：我不能证明消息安全；我不会要验证码、密码或钱。\n"
        "拿不准打 96110，已转账打 110。"
    ),
    "privacy": (
        "隐私说明：保存了什么、保存多久\n\n"
        "• 你发来检查的消息：只在检查的那一刻用，不保存原文。\n"
        "• 检查统计：只记哪天、什么风险等级、什么类型各有多少次，不记是谁、不记内容，长期保存。\n"
        "• 按钮用的检查摘要（风险等级和类型，不含原文、不含号码）：{check_days} 天后自动删除。\n"
        "• 你点“举报”或“判断有误”时：保存号码和判断结果，供志愿审核员处理；只有你选“附原文”时才保存原文，"
        "只给审核员看。这些记录会一直保留，用来维护黑名单和改进判断。\n"
        "• 你的 Telegram 账号从不直接保存，只存一个加密代号（防止重复举报、记住你的文字偏好）。"
        "唯一的例外是申诉，见下一条。\n"
        "• 你用 /appeal 申诉时：保存你的号码、申诉理由和你的聊天 ID（审核结果要发回给你），供审核员处理并留作记录；"
        "申诉没走完的中间步骤最多保存 1 小时。\n"
        "• 转发消息的原发送人 ID 从不保存。\n"
        "• 你用 /lang 选的文字：保存到你再次修改为止。\n"
        "• 运行日志不记消息内容，电话号码会被遮住。\n\n"
        "想删除你附了原文的举报，请联系机器人管理员。"
    ),
    "lang.prompt": "请选择我回复你时使用的文字：",
    "lang.set": "好的，以后用简体中文回复你。",
    "lang.name.zh-Hans": "简体中文",
    "lang.name.zh-Hant": "繁體中文",
    "lang.name.en": "English",

    # ── Buttons and their answers ────────────────────────────────────────────────────────────
    "btn.report": "🚩 举报",
    "btn.wrong": "🤔 判断有误",
    "btn.details": "📋 详情",
    "btn.report_with_text": "🚩 举报（附原文）",
    "btn.report_without_text": "🚩 举报（不附原文）",
    "btn.feedback_with_text": "提交（附原文）",
    "btn.feedback_without_text": "提交（不附原文）",
    "btn.cancel": "取消",
    "consent.report": "举报会交给志愿审核员核实。要不要附上原文？附原文能帮审核员判断，只给审核员看；不附原文只提交号码和判断结果。",
    "consent.feedback": "谢谢你指出！要不要附上原文？附原文能帮我们改进判断；不附原文只提交判断结果。",
    "report.done": "✅ 已收到你的举报，谢谢！审核员会尽快核实。",
    "report.done_with_text": "✅ 已收到你的举报（附原文），谢谢！审核员会尽快核实。",
    "report.original_gone": "原消息已经找不到了，这次只提交了判断结果。",
    "report.limit": "你这一小时举报得比较多，先休息一下，稍后再试。",
    "feedback.done": "✅ 已收到，谢谢你帮我们改进！",
    "cancelled": "已取消。",
    "check.expired": "这条检查结果已经过期，请重新发送消息给我检查。",
    "details.unavailable": "原消息已经找不到了，看不了详情。请重新发送一次。",
    "callback.unknown": "这个按钮已经失效了。",

    # ── Input the bot cannot check, limits, errors ───────────────────────────────────────────
    "input.too_long": (
        "这条消息太长了（{length} 字），我一次最多检查 {limit} 字。请只发可疑的那一段。"
    ),
    "input.bad_number": "这看起来不是一个有效的电话号码。请检查一下再发给我，或者把整段消息转发过来。",
    "input.empty": "请把要检查的文字、号码转发或发给我。",
    "input.unsupported": (
        "这种消息（{kind}）我还看不了。我能检查文字、电话号码和分享的联系人；"
        "图片请附上文字说明，或把图里的文字打出来发给我。"
    ),
    "kind.sticker": "表情贴纸",
    "kind.voice": "语音",
    "kind.audio": "音频",
    "kind.video": "视频",
    "kind.video_note": "视频消息",
    "kind.document": "文件",
    "kind.photo": "没有文字说明的图片",
    "kind.animation": "动图",
    "kind.location": "位置",
    "kind.poll": "投票",
    "kind.other": "这类消息",
    "rate_limited": "你检查得太快了，每分钟最多 {limit} 次。请稍等一会儿再发。",
    "error.generic": "抱歉，刚才出了点问题，没能检查完。请稍后再试一次。",

    # ── Groups ───────────────────────────────────────────────────────────────────────────────
    "group.quiet_on": "好的，本群开启安静模式：只有被@、被回复，或看到高风险消息时我才说话。",
    "group.quiet_off": "好的，本群关闭安静模式：我会检查每一条消息并回复。",
    "group.quiet_status": "本群安静模式：{state}。管理员可以用 /quiet on 或 /quiet off 修改。",
    "group.state_on": "开",
    "group.state_off": "关",
    "group.admins_only": "只有群管理员能修改这个设置。",
    "group.only_in_groups": "这个命令只能在群里用。",
    "group.alert": "⚠️ 提醒大家：上面这条消息风险很高，请不要照着做。",

    # ── Inline mode ──────────────────────────────────────────────────────────────────────────
    "inline.prompt_title": "输入号码或一句话来检查",
    "inline.prompt_text": "输入号码或可疑的话，我来帮你看看像不像诈骗。",
    "inline.title": "{level}",
    "inline.description": "{summary}",
    "inline.too_long": "内容太长了，请私聊我检查。",

    # ── Moderation (bot.telegram.moderation) ─────────────────────────────────────────────────
    "mod.private_only": "审核和申诉请在和我的私聊里进行。",
    "mod.moderators_only": "⛔ 这个命令只有审核员能用。",
    "mod.admins_only": "⛔ 只有管理员能管理审核员。",
    "mod.bad_number": "❌ 号码「{number}」不对：{reason}",
    "mod.bad_date": "❌ 日期「{value}」不对，请写成 YYYY-MM-DD，比如 expires=2026-06-30。",
    "mod.unknown_category": "❌ 不认识的类型「{name}」。可用：{categories}",
    "mod.expires_note": "，{date} 到期",
    "mod.expired_note": "\n⚠️ 到期日 {date} 已经过了：记录保留，但不会再命中检查。",
    "mod.mod.usage": "用法：/mod add 用户ID · /mod remove 用户ID（也可以回复对方的消息）· /mod list",
    "mod.mod.added": "✅ 已把 {id} 设为审核员。",
    "mod.mod.already": "{id} 已经是审核员了。",
    "mod.mod.removed": "✅ 已取消 {id} 的审核员身份。",
    "mod.mod.not_moderator": "{id} 不是审核员。",
    "mod.mod.is_admin": "{id} 是管理员（FANZHA_ADMIN_IDS），不能用命令移除。",
    "mod.list.title": "👥 审核员（{count}）：",
    "mod.list.admin": "• {id}（管理员）",
    "mod.list.moderator": "• {id}",
    "mod.block.usage": "用法：/block 号码 类型 [证据…] [expires=YYYY-MM-DD]\n或回复一条转发来的消息：/block 类型 [证据…]\n类型：{categories}",
    "mod.block.no_numbers": "❌ 那条消息里没有找到号码。",
    "mod.block.added": "✅ 已拉黑 {number}（{category}）",
    "mod.block.updated": "✅ 已更新 {number}（{category}）",
    "mod.unblock.usage": "用法：/unblock 号码 [原因]",
    "mod.unblock.done": "✅ 已把 {number} 移出黑名单。",
    "mod.unblock.not_listed": "{number} 不在黑名单上。",
    "mod.allow.usage": "用法：/allow 号码 所属机构 [别名，用 | 分开]\n例如：/allow 95588 中国工商银行 工行|ICBC",
    "mod.allow.added": "✅ 已把 {number} 记为「{owner}」的官方号码（别名：{aliases}）。",
    "mod.allow.updated": "✅ 已更新官方号码 {number}：「{owner}」（别名：{aliases}）。",
    "mod.lookup.usage": "用法：/lookup 号码",
    "mod.lookup.title": "📞 {number}",
    "mod.lookup.not_listed": "不在黑名单上。",
    "mod.lookup.covered": "这个号码本身不在名单上，但被号段 {prefix} 覆盖：",
    "mod.lookup.listed": "⛔ 在黑名单上",
    "mod.lookup.expired": "⌛ 已过期（{date} 到期），不再命中检查",
    "mod.lookup.removed": "已移出黑名单（{date}，原因：{reason}）",
    "mod.lookup.entry": "类型：{category} · 来源：{source} · 加入：{date} · 到期：{expires}",
    "mod.lookup.evidence": "证据：{evidence}",
    "mod.lookup.official": "✅ 官方号码：{owner}",
    "mod.lookup.reports": "举报：待处理 {pending} · 已采纳 {accepted} · 已驳回 {rejected}（{reporters} 人）",
    "mod.lookup.history": "历史：",
    "mod.history.row": "• {date} {action} {actor}",
    "mod.action.blocklist.add": "加入",
    "mod.action.blocklist.update": "修改",
    "mod.action.blocklist.remove": "移出",
    "mod.source.moderator": "审核员",
    "mod.source.import": "导入",
    "mod.source.reports": "用户举报",
    "mod.export.caption": "📤 黑名单，共 {count} 条。改好后发回给我就能导入。",
    "mod.import.preview.blocklist": "📄 {name}（黑名单）：新增 {add} 条 · 更新 {update} 条 · 不变 {same} 条",
    "mod.import.preview.allowlist": "📄 {name}（官方号码）：新增 {add} 条 · 更新 {update} 条 · 不变 {same} 条",
    "mod.import.more": "……还有 {count} 条",
    "mod.import.ask": "确认导入吗？",
    "mod.import.errors": "❌ {name} 有 {count} 处错误，什么都没有导入：",
    "mod.import.error_line": "第 {line} 行：{reason}",
    "mod.import.more_errors": "……还有 {count} 处错误",
    "mod.import.fix": "改好后再发一次。",
    "mod.import.nothing": "📄 {name}：{same} 条都已经在列表里，不用导入。",
    "mod.import.done": "✅ {name} 已导入：新增 {add} 条，更新 {update} 条，不变 {same} 条。",
    "mod.import.cancelled": "已取消，{name} 没有导入，什么都没改。",
    "mod.import.expired": "这次导入已经失效了，请重新发送文件。",
    "mod.import.too_big": "❌ 文件太大，最多 {mb} MB。",
    "mod.btn.confirm_import": "✅ 确认导入",
    "mod.btn.cancel": "取消",
    "mod.btn.back": "↩️ 返回",
    "mod.btn.block": "⛔ 拉黑",
    "mod.btn.confirm_fraud": "⛔ 是诈骗",
    "mod.btn.reject": "✖️ 驳回",
    "mod.btn.skip": "⏭ 跳过",
    "mod.btn.delist": "✅ 移出黑名单",
    "mod.btn.keep": "✖️ 维持",
    "mod.btn.fb_legit": "✅ 确实不是诈骗",
    "mod.btn.fb_fraud": "⛔ 是诈骗（选类型）",
    "mod.btn.fb_right": "✖️ 原判断没错",
    "mod.queue.title": "📋 待审核：{count} 项",
    "mod.queue.number": "📞 被举报的号码：{number}",
    "mod.queue.text": "📝 被举报的消息（没有号码）",
    "mod.queue.text_numbers": "同一消息里的号码：{numbers}",
    "mod.queue.reporters": "举报人：{reporters} 人（可信度合计 {weight}），共 {reports} 次",
    "mod.queue.levels": "机器判断：{levels}",
    "mod.queue.suggested": "建议类型：{category}",
    "mod.queue.texts": "举报人同意保留的原文：",
    "mod.queue.no_texts": "（没有保留原文）",
    "mod.queue.listed": "已在黑名单上：{category}",
    "mod.queue.appeal": "🙋 申诉 #{id}：{number}",
    "mod.queue.reason": "理由：{reason}",
    "mod.queue.empty": "🎉 队列是空的，没有待审核的内容。",
    "mod.queue.all_skipped": "剩下的 {count} 项都跳过了。发 /queue 从头再看。",
    "mod.queue.skipped": "⏭ 已跳过",
    "mod.queue.gone": "这一项已经处理过了。",
    "mod.queue.blocked": "✅ 已拉黑 {number}（{category}），采纳 {reports} 条举报。",
    "mod.queue.confirmed": "✅ 已确认是诈骗（{category}），采纳 {reports} 条举报。",
    "mod.queue.rejected": "✖️ 已驳回 {reports} 条举报。",
    "mod.queue.appeal_accepted": "✅ 申诉通过，{number} 已移出黑名单，已通知申诉人。",
    "mod.queue.appeal_rejected": "✖️ 申诉驳回，{number} 仍在黑名单上，已通知申诉人。",
    "mod.feedback.title": "🤔 “判断有误”反馈 #{id}（待处理 {count} 条）",
    "mod.feedback.verdict": "机器判断：{verdict}",
    "mod.feedback.comment": "留言：{comment}",
    "mod.feedback.empty": "🎉 没有待处理的反馈。",
    "mod.feedback.all_skipped": "剩下的 {count} 条反馈都跳过了。发 /feedback 从头再看。",
    "mod.feedback.legit": "✅ 已标为“不是诈骗”。",
    "mod.feedback.fraud": "✅ 已标为诈骗：{category}。",
    "mod.feedback.right": "✖️ 已标为“原判断没错”。",
    "mod.stats.title": "📊 最近 {days} 天（{since} 起）",
    "mod.stats.checks": "检查：共 {total} 次",
    "mod.stats.levels": "结果：{levels}",
    "mod.stats.categories": "常见类型：{categories}",
    "mod.stats.queue": "队列：待审核 {ready} · 未达门槛 {waiting} · 反馈 {feedback} · 申诉 {appeals}",
    "mod.stats.handled": "已处理举报：采纳 {accepted} · 驳回 {rejected}",
    "mod.stats.blocklist": "黑名单：{count} 条",
    "mod.appeal.start": "号码被误拉黑了？先证明号码是你的：点下面的「分享我的号码」按钮。\n发 /cancel 可以取消。",
    "mod.appeal.share_button": "📱 分享我的号码",
    "mod.appeal.need_contact": "请点下面的「分享我的号码」按钮（发 /cancel 取消）。",
    "mod.appeal.not_own": "这是别人的名片。只能为你自己的号码申诉：请点「分享我的号码」按钮。",
    "mod.appeal.not_listed": "你的号码 {number} 不在黑名单上，不需要申诉。",
    "mod.appeal.pending": "{number} 的申诉已经在处理了，请等结果。",
    "mod.appeal.ask_reason": "已确认 {number} 是你的号码。请用一条消息说明为什么它不该在黑名单上。",
    "mod.appeal.need_reason": "请用文字说明理由（发 /cancel 取消）。",
    "mod.appeal.submitted": "✅ 申诉 #{id} 已提交。审核员处理后会在这里告诉你结果。",
    "mod.notify.report": "🔔 新的待审核举报：{number} 已被多位用户举报。举报队列里现在有 {count} 项，发送 /queue 处理。",
    "mod.notify.appeal": "🔔 新的申诉 #{id}：号码 {number} 的主人请求移出黑名单。发送 /queue 处理。",
    "mod.appeal.accepted": "✅ 你对 {number} 的申诉已通过，号码已移出黑名单。",
    "mod.appeal.rejected": "你对 {number} 的申诉没有通过，号码仍在黑名单上。",
    "mod.appeal.cancelled": "已取消申诉。",
    "mod.cancel.nothing": "现在没有要取消的操作。",
    "mod.report.duplicate": "你已经举报过了，审核员会尽快核实。",
}
