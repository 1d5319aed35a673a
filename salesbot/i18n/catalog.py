"""The message catalogue: key -> {lang: template}. Keep both languages on every key."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # who is talking
    "stranger": {
        "zh": "抱歉,我还不认识你。请找管理员要一个邀请码,发给我:/start 邀请码。/ Sorry, I don't know you yet.",
        "en": "Sorry, I don't know you yet. Please ask your admin for an invite. / 抱歉,我还不认识你。",
    },
    # a WeCom card whose matter is decided: its buttons become this, greyed out
    "wecom_card_done": {"zh": "已处理", "en": "Done"},
    "user_left": {
        "zh": "你的账号已停用。如有疑问请联系管理员。",
        "en": "Your account has been deactivated. Please contact your admin.",
    },
    "error_generic": {
        "zh": "出了点问题,这条消息没有保存。请再发一次。",
        "en": "Something went wrong and nothing was saved. Please send it again.",
    },
    "not_allowed": {"zh": "你没有权限做这件事。", "en": "You are not allowed to do that."},
    "admin_only": {
        "zh": "只有管理员或本团队经理可以这样做。",
        "en": "Only an admin or the team's manager can do that.",
    },
    # the conversation
    "cancelled": {"zh": "好的,已取消。", "en": "OK, cancelled."},
    "nothing_to_cancel": {"zh": "现在没有进行中的事情。", "en": "There is nothing in progress."},
    "button_stale": {
        "zh": "这个按钮已经过期了,没有做任何更改。",
        "en": "That button has expired; nothing was changed.",
    },
    "not_understood": {
        "zh": "没太明白。可以这样说:\n• 今天拜访了阿里,下周三给方案\n• 阿里进入商务谈判\n"
        "• 我的客户 / 我的商机\n发送 /help 查看更多。",
        "en": "I didn't quite get that. Try:\n• met Acme's CFO, call back in 3 days\n• move Acme to negotiation\n"
        "• my customers / my deals\nSend /help for more.",
    },
    "answer_not_understood": {"zh": "没看懂这个回答。", "en": "I couldn't read that answer."},
    "help": {
        "zh": "我可以帮你记录销售工作,一句话就行:\n"
        "• 记拜访:今天拜访了阿里,见了技术总监,下周三给方案\n"
        "• 推进商机:阿里进入商务谈判 / 京东赢单了 / 比亚迪丢单了\n"
        "• 提交合同:阿里合同50万,分三期 (经理在消息里一键审批)\n"
        "• 记回款:收到阿里回款30万 / 阿里第二期改到6月30日\n"
        "• 问应收:谁还欠款 / 阿里还欠多少 / 我的应收 / 账龄 / 二八客户,再说“导出”拿Excel\n"
        "• 查看:我的客户(/customers)、我的商机(/deals)、我的审批(/approvals)\n"
        "• 问我:这周要跟进哪些客户 / 逾期没跟进的(/agenda)、华为技术的情况(/brief)、哪些客户很久没联系了、"
        "本周业绩怎么样\n"
        "• 投诉和需求:华为技术投诉交货延迟了 / 阿里巴巴提了个需求:要和ERP对接 / 华为技术的投诉处理完了\n"
        "• 日报:每个工作日傍晚我帮你写好,一键发送(现在就要:写日报);请假:我明天请假;问业绩:我的业绩完成多少了\n"
        "• 改和撤:不对,是下周三 / 撤销 / 小米的跟进改到下周五 / 华为的跟进做完了 / 昨天拜访了小米\n"
        "• /cancel 取消正在填写的内容,/lang en 切换到英文\n"
        "缺什么我会问你,点按钮即可。",
        "en": "I keep your sales records from one sentence:\n"
        "• Log a visit: met Acme's CFO, call back in 3 days\n"
        "• Move a deal: move Acme to negotiation / Acme is won / Acme is lost\n"
        "• Submit a contract: Acme contract 85,000 USD net 30 (your manager approves with one tap)\n"
        "• Record a payment: Acme paid 20k today / move Acme's 2nd installment to June 30\n"
        "• Ask: who owes us? / how much does Acme owe / my receivables / aging / top customers, then “export”\n"
        "• See: my customers (/customers), my deals (/deals), my approvals (/approvals)\n"
        "• Ask: my follow-ups this week / my overdue follow-ups (/agenda), tell me about Acme (/brief), "
        "quiet accounts, how is the team doing this week\n"
        "• Complaints and needs: Acme complained about support response times / Acme asked for an integration "
        "with their ERP / Acme's complaint is resolved\n"
        "• Daily report: drafted for you each working evening, sent with one tap (now: my daily report); days off: "
        "I'm off on Friday; how am I doing against target\n"
        "• Fix and undo: no, make it Wednesday / undo / push Acme's follow-up to Friday / done with the Acme "
        "follow-up / visited Acme on Monday\n"
        "• /cancel drops what you are filling in, /lang zh switches to Chinese\n"
        "If anything is missing I will ask, with buttons.",
    },
    "lang_set": {"zh": "好的,以后用中文和你说话。", "en": "OK, I'll talk to you in English from now on."},
    "cmd_start": {"zh": "开始", "en": "Start"},
    "cmd_help": {"zh": "怎么用", "en": "What I can do"},
    "cmd_customers": {"zh": "我的客户", "en": "My customers"},
    "cmd_deals": {"zh": "我的商机", "en": "My open deals"},
    "cmd_approvals": {"zh": "待我审批", "en": "Waiting for my approval"},
    "cmd_receivables": {"zh": "谁还欠款", "en": "Who owes us"},
    "cmd_cancel": {"zh": "取消正在填写的内容", "en": "Drop what you are filling in"},
    "cmd_lang": {"zh": "切换语言 zh/en", "en": "Switch language zh/en"},
    "cmd_link": {"zh": "把这个群关联到团队", "en": "Link this group to a team"},
    "cmd_unlink": {"zh": "取消这个群的关联", "en": "Unlink this group"},
    "welcome": {"zh": "欢迎,{name}!你的账号已经连上 salesbot。", "en": "Welcome, {name}! Your account is now linked."},
    "hello": {
        "zh": "你好,{name}!告诉我今天拜访了谁,或发送 /help。",
        "en": "Hi {name}! Tell me who you visited today, or send /help.",
    },
    # customers
    "ask_customer": {"zh": "是哪个客户?", "en": "Which customer?"},
    "choose_customer": {"zh": "你说的是哪个客户?", "en": "Which customer do you mean?"},
    "no_customer_match": {
        "zh": "没有找到客户「{query}」。要新建这个客户吗?也可以直接再输入一次名称。",
        "en": "I found no customer called “{query}”. Create it? Or type the name again.",
    },
    "customer_created": {
        "zh": "已新建客户「{customer}」,归你负责。",
        "en": "New customer “{customer}” created, owned by you.",
    },
    "customer_not_yours": {
        "zh": "「{customer}」不是你负责的客户,没有做任何更改。如需接手请找经理。",
        "en": "{customer} belongs to another rep, so nothing was changed. Ask your manager if you should take it over.",
    },
    "customer_exists": {"zh": "客户「{customer}」已经存在。", "en": "Customer {customer} already exists."},
    "customer_not_found": {
        "zh": "找不到这个客户(可能已归档)。",
        "en": "That customer no longer exists (archived?).",
    },
    "customers_list": {"zh": "你的客户({count}):\n{lines}", "en": "Your customers ({count}):\n{lines}"},
    "customers_line": {"zh": "• {customer}{deals}", "en": "• {customer}{deals}"},
    "customers_line_deals": {"zh": "({n} 个进行中的商机)", "en": " ({n} open deals)"},
    "customers_empty": {
        "zh": "你还没有客户。记一次拜访就会自动加上。",
        "en": "You have no customers yet. Log a visit and one is added.",
    },
    # visits
    "visit_logged": {
        "zh": "已记录:拜访「{customer}」,{visited_on}。",
        "en": "Logged: visit to {customer}, {visited_on}.",
    },
    "visit_follow_up": {
        "zh": "跟进:{when}{next_step},到时候提醒你。",
        "en": "Follow-up: {when}{next_step}; I'll remind you.",
    },
    "visit_attachments": {
        "zh": "已附上之前发来的 {n} 个照片/文件/位置。",
        "en": "Attached the {n} photo(s), file(s) or location(s) you sent before.",
    },
    # field work
    "kind_photo": {"zh": "照片", "en": "Photo"},
    "kind_document": {"zh": "文件", "en": "Document"},
    "kind_voice": {"zh": "语音", "en": "Voice note"},
    "kind_audio": {"zh": "音频", "en": "Audio"},
    "kind_video": {"zh": "视频", "en": "Video"},
    "kind_location": {"zh": "位置", "en": "Location"},
    "attachment_added": {
        "zh": "📎 {what}已加到「{customer}」的拜访({when})。",
        "en": "📎 {what} added to the visit to {customer} ({when}).",
    },
    "attachment_added_contract": {
        "zh": "📎 {what}已附在「{customer}」合同上,审批人会看到。",
        "en": "📎 {what} attached to the {customer} contract; the approvers will see it.",
    },
    "checked_in": {
        "zh": "📍 已签到:「{customer}」的拜访({when})。",
        "en": "📍 Checked in: visit to {customer} ({when}).",
    },
    "attachment_waiting": {
        "zh": "📎 {what}已保存。{hours} 小时内记下的下一次拜访会带上它。",
        "en": "📎 {what} kept. It will join the next visit you log within {hours} hours.",
    },
    "attachment_kind": {"zh": "不支持这种文件。", "en": "I can't keep that kind of file."},
    "attachment_no_file": {
        "zh": "没收到文件内容,请再发一次。",
        "en": "The file didn't come through; please send it again.",
    },
    "location_invalid": {
        "zh": "这个位置看不懂,请再发一次。",
        "en": "I can't read that location; please send it again.",
    },
    "visit_next_step": {"zh": " {next_step}", "en": " ({next_step})"},
    "ask_follow_up": {"zh": "什么时候跟进?", "en": "When do you follow up?"},
    "ask_follow_up_date": {
        "zh": "哪一天跟进?比如:下周三、12月5日、3天后。",
        "en": "Which day? For example: next wednesday, Dec 5, in 3 days.",
    },
    "follow_up_none": {"zh": "好的,这次不设跟进。", "en": "OK, no follow-up this time."},
    "date_past": {
        "zh": "{date} 已经过去了,跟进日期要在今天或以后。",
        "en": "{date} is in the past; a follow-up must be today or later.",
    },
    "date_unreadable": {"zh": "看不懂日期「{phrase}」。", "en": "I can't read the date “{phrase}”."},
    "btn_tomorrow": {"zh": "明天", "en": "Tomorrow"},
    "btn_next_week": {"zh": "下周", "en": "Next week"},
    "btn_other_day": {"zh": "另选日期", "en": "Another day"},
    "btn_no_follow_up": {"zh": "不用跟进", "en": "No follow-up"},
    "btn_cancel": {"zh": "取消", "en": "Cancel"},
    "btn_create_customer": {"zh": "新建「{query}」", "en": "Create “{query}”"},
    "btn_new_deal": {"zh": "新商机", "en": "New deal"},
    # pipeline
    "ask_stage": {"zh": "「{customer}」推进到哪个阶段?", "en": "Which stage is {customer} at now?"},
    "ask_deal": {
        "zh": "「{customer}」有几个进行中的商机,是哪一个?",
        "en": "{customer} has several open deals. Which one?",
    },
    "ask_lost_reason": {"zh": "「{customer}」丢单的原因是?", "en": "Why was {customer} lost?"},
    "stage_moved": {
        "zh": "已更新:「{customer}」{from_stage} → {to_stage}。",
        "en": "Updated: {customer} {from_stage} → {to_stage}.",
    },
    "stage_created": {
        "zh": "已为「{customer}」新建商机,阶段:{to_stage}。",
        "en": "New deal for {customer}, stage: {to_stage}.",
    },
    "stage_lost_reason": {"zh": "原因:{reason}。", "en": "Reason: {reason}."},
    "same_stage": {
        "zh": "「{customer}」已经在「{stage}」阶段了,没有更改。",
        "en": "{customer} is already at {stage}; nothing changed.",
    },
    "deals_list": {"zh": "进行中的商机({count}):\n{lines}", "en": "Open deals ({count}):\n{lines}"},
    "deals_line": {"zh": "• {customer}:{stage}{amount}", "en": "• {customer}: {stage}{amount}"},
    "deals_empty": {"zh": "没有进行中的商机。", "en": "No open deals."},
    # admin
    "handover_done": {
        "zh": "已把 {from_handle} 的 {customers} 个客户、{deals} 个商机、{reminders} 条提醒交给 {to_handle}。",
        "en": "Handed {from_handle}'s {customers} customers, {deals} deals and {reminders} reminders to {to_handle}.",
    },
    "handover_usage": {
        "zh": "用法:/handover 原负责人 新负责人",
        "en": "Usage: /handover FROM_HANDLE TO_HANDLE",
    },
    "user_not_found": {"zh": "没有用户 {handle}。", "en": "There is no user {handle}."},
    "user_left_target": {
        "zh": "{handle} 已离职,不能接手客户。",
        "en": "{handle} has left and cannot take accounts.",
    },
    # contracts and approvals
    "ask_amount": {
        "zh": "「{customer}」合同金额是多少?比如:120万、85,000 USD。",
        "en": "What is the amount of the {customer} contract? For example: 85,000 USD, ¥1.2m.",
    },
    "amount_unreadable": {
        "zh": "没看懂金额。请写数字,比如 120万 或 85,000 USD。",
        "en": "I couldn't read an amount. Write a number, like 85,000 USD or 120万.",
    },
    "contract_submitted": {
        "zh": "已提交「{customer}」合同{version_tag}:{money},付款:{terms}。\n现在等 {approver} 审批(共 {steps} 步)。",
        "en": "Submitted the {customer} contract{version_tag}: {money}, payment: {terms}.\n"
        "Waiting for {approver} (step 1 of {steps}).",
    },
    "contract_withdrawn": {
        "zh": "已撤回「{customer}」合同({money})。",
        "en": "Withdrew the {customer} contract ({money}).",
    },
    "no_pending_contract": {
        "zh": "「{customer}」没有你提交、正在审批的合同。",
        "en": "You have no contract for {customer} waiting for approval.",
    },
    "no_rejected_contract": {
        "zh": "「{customer}」没有被驳回或撤回、可以重新提交的合同。",
        "en": "There is no rejected or withdrawn {customer} contract to resubmit.",
    },
    "approvals_list": {"zh": "等你审批({count}):\n{lines}", "en": "Waiting for your approval ({count}):\n{lines}"},
    "approvals_line": {"zh": "• 「{customer}」{money},{rep} 提交", "en": "• {customer} {money}, from {rep}"},
    "approvals_empty": {"zh": "没有等你审批的合同。", "en": "Nothing is waiting for your approval."},
    "ask_reject_comment": {
        "zh": "驳回的原因是?(会发给 {rep})",
        "en": "Why reject it? ({rep} will see your comment.)",
    },
    "ask_question_comment": {"zh": "你想问 {rep} 什么?", "en": "What would you like to ask {rep}?"},
    "approved_step_done": {
        "zh": "已批准「{customer}」合同,转给 {next} 审批。",
        "en": "Approved the {customer} contract; it goes to {next} next.",
    },
    "approved_done": {
        "zh": "已批准「{customer}」合同,合同生效。",
        "en": "Approved the {customer} contract; it is now active.",
    },
    "rejected_done": {
        "zh": "已驳回「{customer}」合同,已告诉 {rep}。",
        "en": "Rejected the {customer} contract; {rep} has been told.",
    },
    "asked_done": {"zh": "问题已发给 {rep}。", "en": "Your question went to {rep}."},
    "approval_stale": {
        "zh": "「{customer}」合同已经不在这一步了,没有做任何更改。",
        "en": "The {customer} contract has moved on from this step; nothing was changed.",
    },
    "approval_not_yours": {
        "zh": "这个审批不是给你的,没有做任何更改。",
        "en": "This approval is not yours; nothing was changed.",
    },
    "comment_required": {"zh": "请写几个字说明。", "en": "Please write a short comment."},
    "no_approver": {
        "zh": "找不到可以审批这份合同的人,请联系管理员。",
        "en": "Nobody can approve this contract; please ask your admin.",
    },
    "amount_invalid": {
        "zh": "金额要大于零,最多两位小数。",
        "en": "The amount must be above zero, with at most 2 decimals.",
    },
    "currency_invalid": {"zh": "不认识币种 {currency}。", "en": "I don't know the currency {currency}."},
    "terms_invalid": {"zh": "付款条件不合理,请检查。", "en": "Those payment terms don't add up; please check."},
    "contract_not_resubmittable": {
        "zh": "「{customer}」这份合同不能重新提交。",
        "en": "That {customer} contract can't be resubmitted.",
    },
    "contract_already_resubmitted": {
        "zh": "「{customer}」合同已经重新提交过了。",
        "en": "That {customer} contract was already resubmitted.",
    },
    "contract_not_pending": {
        "zh": "「{customer}」合同已经不在审批中了。",
        "en": "The {customer} contract is no longer waiting for approval.",
    },
    "contract_not_found": {"zh": "找不到这份合同。", "en": "I can't find that contract."},
    "contract_not_yours": {"zh": "这不是你提交的合同。", "en": "That is not your contract."},
    "unknown_decision": {"zh": "不认识这个操作。", "en": "I don't know that action."},
    "ask_answer": {"zh": "请写你的回答:", "en": "Write your answer:"},
    "answer_sent": {
        "zh": "回答已发给 {approver},合同卡片也重新发给了他。",
        "en": "Your answer went to {approver}, with the card again.",
    },
    "btn_answer": {"zh": "💬 回答", "en": "💬 Answer"},
    "btn_approve": {"zh": "✅ 批准", "en": "✅ Approve"},
    "btn_reject": {"zh": "❌ 驳回", "en": "❌ Reject"},
    "btn_ask": {"zh": "❓ 提问", "en": "❓ Ask a question"},
    "terms_upfront": {"zh": "首付{percent}%", "en": "{percent}% upfront"},
    "terms_installments": {"zh": "分{n}期", "en": "{n} installments"},
    "terms_net": {"zh": "账期{days}天", "en": "net {days}"},
    "terms_on_delivery": {"zh": "货到付款", "en": "on delivery"},
    "terms_once": {"zh": "一次付清", "en": "one payment"},
    "version_tag": {"zh": "(第{version}版)", "en": " (version {version})"},
    "note_line": {"zh": "\n备注:{note}", "en": "\nNote: {note}"},
    "card_deal_line": {"zh": "商机「{deal}」:{stage}(自 {since})", "en": "Deal “{deal}”: {stage} since {since}"},
    "card_files_line": {"zh": "📎 附件:{names}", "en": "📎 Attached: {names}"},
    "card_visit_line": {"zh": "最近拜访 {on}:{notes}", "en": "Last visit {on}: {notes}"},
    # team groups
    "group_hello": {
        "zh": "大家好,我是销售助手。管理员或团队经理发送 /link 即可把这个群关联到团队。",
        "en": "Hello, I'm the sales assistant. An admin or the team's manager can send /link to link this group.",
    },
    "group_hello_linked": {
        "zh": "大家好,这个群已关联为「{group}」。@我 或用命令和我说话。",
        "en": "Hello again: this chat is linked as {group}. Mention me or use a command to talk to me.",
    },
    "group_linked": {
        "zh": "已关联:这个群现在是「{team}」的团队群「{group}」,会收到团队通知和日报。",
        "en": "Linked: this chat is now {team}'s group “{group}”; it will get the team's notices and digests.",
    },
    "group_moved": {
        "zh": "(之前关联的群不再接收通知。)",
        "en": "(The chat linked before no longer gets them.)",
    },
    "group_unlinked": {
        "zh": "已取消关联「{group}」,这个群不再接收通知。",
        "en": "Unlinked {group}: this chat gets no more notices.",
    },
    "group_not_linked": {
        "zh": "这个群还没有关联团队。管理员或团队经理发送 /link 即可关联。",
        "en": "This group isn't linked to a team yet. An admin or the team's manager can send /link.",
    },
    "group_not_found": {
        "zh": "没有叫「{name}」的群或团队。",
        "en": "There is no group or team called “{name}”.",
    },
    "group_only": {"zh": "这个命令要在群里发。", "en": "Send that command in the group itself."},
    # notifications (rendered by the dispatcher)
    "reminder.follow_up": {
        "zh": "⏰ 跟进提醒:「{customer}」{next_step_line}\n(拜访于 {visited_on})",
        "en": "⏰ Follow up with {customer}{next_step_line}\n(visited {visited_on})",
    },
    "reminder.next_step": {"zh": " — {next_step}", "en": " — {next_step}"},
    "card.contract": {
        "zh": "📝 合同审批({step}/{steps})\n客户:「{customer}」 提交人:{rep}{version_tag}\n金额:{money}\n"
        "付款:{terms}{note_line}\n{history}",
        "en": "📝 Contract approval ({step}/{steps})\nCustomer: {customer} · from {rep}{version_tag}\n"
        "Amount: {money}\nPayment: {terms}{note_line}\n{history}",
    },
    "card.contract_approved": {
        "zh": "✅ 已批准:「{customer}」{money}({by})",
        "en": "✅ Approved: {customer} {money} (by {by})",
    },
    "card.contract_rejected": {
        "zh": "❌ 已驳回:「{customer}」{money}({by}:{comment})",
        "en": "❌ Rejected: {customer} {money} (by {by}: {comment})",
    },
    "card.contract_withdrawn": {
        "zh": "↩️ 已撤回:「{customer}」{money}({by})",
        "en": "↩️ Withdrawn: {customer} {money} (by {by})",
    },
    "contract.question": {
        "zh": "❓ {by} 对「{customer}」合同({money})有疑问:{comment}",
        "en": "❓ {by} has a question about the {customer} contract ({money}): {comment}",
    },
    "contract.rejected": {
        "zh": "❌ 「{customer}」合同({money})被 {by} 驳回:{comment}\n修改后说「重新提交{customer}合同 …」即可。",
        "en": "❌ {by} rejected the {customer} contract ({money}): {comment}\n"
        "Say “resubmit the {customer} contract …” with your changes.",
    },
    "contract.answer": {
        "zh": "💬 {rep} 回答了你关于「{customer}」合同的问题:{answer}",
        "en": "💬 {rep} answered your question about the {customer} contract: {answer}",
    },
    "contract.step_approved": {
        "zh": "👍 {by} 批准了「{customer}」合同({money}),现在等 {next} 审批。",
        "en": "👍 {by} approved the {customer} contract ({money}); now waiting for {next}.",
    },
    "contract.approved": {
        "zh": "✅ 「{customer}」合同({money})已全部批准,合同生效。\n回款计划:\n{schedule_lines}",
        "en": "✅ The {customer} contract ({money}) is approved and active.\nPayment schedule:\n{schedule_lines}",
    },
    "reminder.approval": {
        "zh": "⏰ 「{customer}」合同({money},{rep} 提交)从 {waiting_on} 起等你审批。发送「我的审批」查看。",
        "en": "⏰ The {customer} contract ({money}, from {rep}) has waited for you since {waiting_on}. "
        "Send “my approvals” to see it.",
    },
    "reminder.approval_escalation": {
        "zh": "⚠️ {rep} 的「{customer}」合同({money})从 {waiting_on} 起一直在等 {approver} 审批。",
        "en": "⚠️ {rep}'s {customer} contract ({money}) has waited for {approver} since {waiting_on}.",
    },
    "amount_line": {"zh": "金额 {amount}。", "en": " Amount: {amount}."},
    "group.deal_won": {
        "zh": "🎉 {rep} 赢下了「{customer}」!{amount_line}",
        "en": "🎉 {rep} won {customer}!{amount_line}",
    },
    "deal.won": {"zh": "🎉 {rep} 赢下了「{customer}」!", "en": "🎉 {rep} won {customer}!"},
    "deal.lost": {"zh": "{rep} 丢单:「{customer}」{reason_line}", "en": "{rep} lost {customer}{reason_line}"},
    "deal.reason": {"zh": ",原因:{reason}", "en": ", reason: {reason}"},
    # receivables: who owes us
    "scope_own": {"zh": "你负责的客户", "en": "your customers"},
    "scope_team": {"zh": "本团队的客户", "en": "your team's customers"},
    "scope_all": {"zh": "全部客户", "en": "all customers"},
    "scope_limited": {
        "zh": "ℹ️ 你只能查看{scope},以下只包括这些。",
        "en": "ℹ️ You can see {scope} only, so this covers just those.",
    },
    "customer_not_visible": {
        "zh": "「{customer}」不是你负责的客户,看不到它的账目。",
        "en": "{customer} is not one of your customers, so I can't show its accounts.",
    },
    "owes_title": {"zh": "💰 应收排行({scope},{day}):", "en": "💰 Who owes us ({scope}, {day}):"},
    "mine_title": {"zh": "💰 我的应收({scope},{day}):", "en": "💰 My receivables ({scope}, {day}):"},
    "owes_line": {"zh": "{n}. {customer}  {money}{late}", "en": "{n}. {customer}  {money}{late}"},
    "owner_tag": {"zh": " · {owner}", "en": " · {owner}"},
    "late_days": {"zh": "(逾期{days}天)", "en": " ({days} days overdue)"},
    "due_today": {"zh": "(今天到期)", "en": " (due today)"},
    "due_in_days": {"zh": "({days}天后到期)", "en": " (due in {days} days)"},
    "owes_total": {"zh": "合计未收:{money}", "en": "Outstanding: {money}"},
    "owes_overdue": {"zh": "其中已逾期:{money}", "en": "Overdue: {money}"},
    "owes_due_soon": {"zh": "30天内到期:{money}", "en": "Due within 30 days: {money}"},
    "owes_empty": {"zh": "{scope}目前没有未收的款项。", "en": "Nothing outstanding for {scope}."},
    "page_of": {"zh": "第{page}/{pages}页,共{count}条", "en": "Page {page} of {pages}, {count} in all"},
    "btn_more": {"zh": "更多 ▸", "en": "More ▸"},
    "btn_export": {"zh": "📥 导出Excel", "en": "📥 Export XLSX"},
    "statement_title": {"zh": "💰 {customer} 未收款项({day}):", "en": "💰 {customer} still owes ({day}):"},
    "statement_contract": {"zh": "合同 {contract}:", "en": "Contract {contract}:"},
    "statement_line": {
        "zh": "  第{seq}期 {due} {money}{paid}{when}",
        "en": "  #{seq} due {due}: {money}{paid}{when}",
    },
    "paid_part": {"zh": "(已收{money})", "en": " ({money} paid)"},
    "statement_total": {"zh": "合计未收:{money}", "en": "Outstanding: {money}"},
    "statement_credit": {"zh": "客户余额(多付):{money}", "en": "Credit on account (overpaid): {money}"},
    "statement_none": {"zh": "{customer} 没有未收的款项。", "en": "{customer} owes nothing."},
    "aging_title": {"zh": "📊 账龄({scope},截至{day}):", "en": "📊 Aging ({scope}, as of {day}):"},
    "aging_total": {"zh": "合计:", "en": "Total:"},
    "bucket_current": {"zh": "未到期", "en": "Current"},
    "bucket_1-30": {"zh": "1–30天", "en": "1–30 days"},
    "bucket_31-60": {"zh": "31–60天", "en": "31–60 days"},
    "bucket_61-90": {"zh": "61–90天", "en": "61–90 days"},
    "bucket_90+": {"zh": "90天以上", "en": "90+ days"},
    "top_title": {
        "zh": "⭐ 带来80%营收的客户({scope},{since}以来签约):",
        "en": "⭐ The customers that bring 80% of revenue ({scope}, signed since {since}):",
    },
    "top_currency": {
        "zh": "{currency}:{n}个客户中的{k}个,共{money}",
        "en": "{currency}: {k} of {n} customers, {money} in all",
    },
    "top_line": {
        "zh": "{n}. {customer}  {money}  占{share},累计{cumulative}{owes}",
        "en": "{n}. {customer}  {money}  {share} (cumulative {cumulative}){owes}",
    },
    "top_owes": {"zh": ",未收{money}", "en": ", {money} outstanding"},
    "top_empty": {
        "zh": "{scope}近12个月没有签约的合同。",
        "en": "No contracts signed in the last 12 months for {scope}.",
    },
    "export_nothing": {
        "zh": "先问一个问题(谁还欠款 / 账龄 / 华为还欠多少 / 二八客户),再说“导出”。",
        "en": "Ask a question first (who owes us / aging / how much does Acme owe / top customers), then say “export”.",
    },
    "export_done": {"zh": "📥 已导出:{name}", "en": "📥 Exported: {name}"},
    "export_name_owes": {"zh": "应收排行", "en": "receivables"},
    "export_name_items": {"zh": "应收明细", "en": "open installments"},
    "export_name_customer": {"zh": "客户应收", "en": "customer receivables"},
    "export_name_aging": {"zh": "账龄", "en": "aging"},
    "export_name_top": {"zh": "二八客户", "en": "top customers"},
    "cols_owes": {
        "zh": "客户|负责人|币种|未收|已逾期|最长逾期天数|期数",
        "en": "Customer|Owner|Currency|Outstanding|Overdue|Oldest overdue (days)|Installments",
    },
    "cols_items": {
        "zh": "客户|负责人|合同|期|到期日|金额|已收|未收|币种|逾期天数",
        "en": "Customer|Owner|Contract|Installment|Due|Amount|Paid|Outstanding|Currency|Days overdue",
    },
    "cols_aging": {
        "zh": "销售|币种|未到期|1–30天|31–60天|61–90天|90天以上|合计",
        "en": "Rep|Currency|Current|1–30 days|31–60 days|61–90 days|90+ days|Total",
    },
    "cols_top": {
        "zh": "币种|排名|客户|营收|占比|累计占比|未收",
        "en": "Currency|Rank|Customer|Revenue|Share|Cumulative share|Outstanding",
    },
    # payments
    "ask_payment_amount": {"zh": "{customer} 回款多少钱?", "en": "How much did {customer} pay?"},
    "payment_preview": {
        "zh": "收到 {customer} 回款 {money}({day})。确认后将:",
        "en": "{customer} paid {money} ({day}). Once you confirm, this:",
    },
    "payment_recorded": {
        "zh": "✅ 已记录 {customer} 回款 {money}({day}):",
        "en": "✅ Recorded {money} from {customer} ({day}):",
    },
    "payment_pending": {
        "zh": "📝 已记录 {customer} 回款 {money}({day}),财务确认到账后冲抵应收:",
        "en": "📝 Recorded {money} from {customer} ({day}); it settles once finance confirms it arrived:",
    },
    "payment_confirmed_done": {
        "zh": "✅ 已确认 {customer} 回款 {money}({day}):",
        "en": "✅ Confirmed {money} from {customer} ({day}):",
    },
    "payment_rejected_done": {
        "zh": "✖ 已退回 {customer} 回款 {money}({day}),没有冲抵任何款项。",
        "en": "✖ Sent back {money} from {customer} ({day}); it settles nothing.",
    },
    "share_line": {
        "zh": "• 合同{contract} 第{seq}期(到期{due}):冲抵 {money}{left}",
        "en": "• Contract {contract} #{seq} (due {due}): {money} applied{left}",
    },
    "share_left": {"zh": ",还差 {money}", "en": ", {money} still owed"},
    "share_settled": {"zh": ",结清", "en": ", settled"},
    "share_credit": {"zh": "• 多出 {money} 记为客户余额", "en": "• {money} left over is kept as credit"},
    "share_all_credit": {
        "zh": "• 没有待收的{currency}款项,{money} 全部记为客户余额",
        "en": "• Nothing is owed in {currency}, so all {money} is kept as credit",
    },
    "payment_twin_warning": {
        "zh": "⚠️ 这一天已经记过一笔 {customer} 同样金额的回款,请确认不是重复。",
        "en": "⚠️ A payment of the same amount from {customer} is already recorded for that day: is this a second one?",
    },
    "btn_record_payment": {"zh": "✅ 确认记录", "en": "✅ Record it"},
    "payment_in_future_said": {
        "zh": "回款日期不能晚于今天:还没到账的钱先不记。到账后再告诉我。",
        "en": "A payment can't be dated after today. Tell me once the money has arrived.",
    },
    "payment_in_future": {
        "zh": "回款日期 {day} 还没到,不能记录。",
        "en": "{day} has not come yet, so I can't record it.",
    },
    "amount_not_positive": {"zh": "金额要大于0。", "en": "The amount must be more than zero."},
    "finance_only": {"zh": "只有财务可以确认回款。", "en": "Only finance can confirm a payment."},
    "payment_already_decided": {
        "zh": "这笔 {customer} 的回款已经处理过了,没有做任何更改。",
        "en": "That payment from {customer} was already handled; nothing was changed.",
    },
    "payment_not_found": {"zh": "找不到这笔回款。", "en": "I can't find that payment."},
    "btn_payment_confirm": {"zh": "✅ 已到账", "en": "✅ Arrived"},
    "btn_payment_reject": {"zh": "✖ 未到账", "en": "✖ Not received"},
    "payment.confirm_card": {
        "zh": "💵 请确认到账:{rep} 记录了 {customer} 回款 {money},到账日 {received_on}。",
        "en": "💵 Please confirm: {rep} recorded {money} from {customer}, received on {received_on}.",
    },
    "card.payment_confirmed": {
        "zh": "✅ {by} 已确认到账:{customer} {money}({received_on})",
        "en": "✅ {by} confirmed: {money} from {customer} ({received_on})",
    },
    "card.payment_rejected": {
        "zh": "✖ {by} 未确认到账:{customer} {money}({received_on})",
        "en": "✖ {by} did not confirm: {money} from {customer} ({received_on})",
    },
    "payment.confirmed": {
        "zh": "✅ 财务 {by} 已确认 {customer} 回款 {money}({received_on}),已冲抵应收。",
        "en": "✅ {by} (finance) confirmed {money} from {customer} ({received_on}); it is settled.",
    },
    "payment.rejected": {
        "zh": "✖ 财务 {by} 没有确认 {customer} 回款 {money}({received_on}),请核实后重新记录。",
        "en": "✖ {by} (finance) did not confirm {money} from {customer} ({received_on}). "
        "Please check, and record it again.",
    },
    # payment schedules
    "installment_label": {
        "zh": "合同{contract} 第{seq}期 {due} {money}",
        "en": "Contract {contract} #{seq} due {due}, {money}",
    },
    "ask_which_installment": {"zh": "{customer} 的哪一期?", "en": "Which installment of {customer}?"},
    "no_such_installment": {
        "zh": "{customer} 没有未结清的第{seq}期。",
        "en": "{customer} has no open installment #{seq}.",
    },
    "no_open_installments": {"zh": "{customer} 没有未结清的分期。", "en": "{customer} has no open installments."},
    "ask_new_due": {"zh": "{label}:改到哪一天?", "en": "{label}: move it to which day?"},
    "ask_split_amount": {"zh": "{label}:拆出多少钱?", "en": "{label}: how much do you want to split off?"},
    "due_moved": {"zh": "📅 已改期:{customer} {label}", "en": "📅 Moved: {customer} {label}"},
    "installment_split": {
        "zh": "✂️ 已拆分 {customer} 合同{contract} 第{seq}期:\n• {kept}\n• {part}",
        "en": "✂️ Split {customer}'s contract {contract} #{seq}:\n• {kept}\n• {part}",
    },
    "due_date_past": {
        "zh": "「{phrase}」已经过去了,到期日要在今天或以后。",
        "en": "“{phrase}” is in the past; a due date must be today or later.",
    },
    "due_in_past": {
        "zh": "{day} 已经过去了,到期日要在今天或以后。",
        "en": "{day} is in the past; a due date must be today or later.",
    },
    "split_amount": {
        "zh": "拆出的金额要大于0,且小于还没付的 {unpaid}。",
        "en": "The part split off must be more than zero and less than the {unpaid} still unpaid.",
    },
    "installment_settled": {
        "zh": "第{seq}期已经结清,不能再改。",
        "en": "Installment #{seq} is settled; it can't be changed.",
    },
    "installment_not_found": {"zh": "找不到这一期。", "en": "I can't find that installment."},
    # a list cut short to fit one message (i18n.cut)
    "more": {"zh": "… 还有 {n} 项", "en": "… and {n} more"},
    # collection reminders
    "collections.daily": {
        "zh": "📌 今日回款提醒({count}项):\n{lines}\n合计:{totals}\n收到款项时告诉我,例如“收到{example}回款5万”。",
        "en": "📌 Collections for today ({count}):\n{lines}\nIn all: {totals}\n"
        "When money arrives, tell me, e.g. “{example} paid 50k”.",
    },
    "collections.line": {
        "zh": "• {customer} 合同{contract} 第{seq}期 {money} {when}{rep}",
        "en": "• {customer}, contract {contract} #{seq}: {money} {when}{rep}",
    },
    "collections.before": {"zh": "{days}天后到期({due})", "en": "due in {days} days ({due})"},
    "collections.today": {"zh": "今天到期", "en": "due today"},
    "collections.late": {"zh": "已逾期{days}天(到期{due})", "en": "{days} days overdue (due {due})"},
    "collections.rep": {"zh": " · 负责人 {rep}", "en": " · rep {rep}"},
    # digests: the team group's daily digest and weekly summary, each person's morning brief, and their charts
    "digest.daily": {
        "zh": "📊 {team} 日报 · {day}\n({since} 起)",
        "en": "📊 {team} daily digest · {day}\n(since {since})",
    },
    "digest.weekly": {"zh": "📈 {team} 周报 · {first} – {last}", "en": "📈 {team} weekly summary · {first} – {last}"},
    "digest.brief": {
        "zh": "☀️ 早上好!今天({day})要跟进 {count} 项:",
        "en": "☀️ Good morning! {count} item(s) on your agenda today ({day}):",
    },
    "digest.visits": {"zh": "🚶 拜访 {total} 次:", "en": "🚶 {total} visit(s):"},
    "digest.visit_line": {"zh": "• {rep}:{count} 次", "en": "• {rep}: {count}"},
    "digest.moves": {"zh": "🔀 商机推进:", "en": "🔀 Deals moved:"},
    "digest.move_line": {
        "zh": "• {customer}「{deal}」:{old} → {new}({rep})",
        "en": "• {customer} “{deal}”: {old} → {new} ({rep})",
    },
    "digest.submitted": {"zh": "📝 提交合同:", "en": "📝 Contracts submitted:"},
    "digest.approved": {"zh": "✅ 合同审批通过:", "en": "✅ Contracts approved:"},
    "digest.contract_line": {"zh": "• {customer} {money}({rep})", "en": "• {customer} {money} ({rep})"},
    "digest.payments": {"zh": "💰 回款 {totals}:", "en": "💰 Payments received, {totals}:"},
    "digest.payment_line": {"zh": "• {customer} {money}", "en": "• {customer} {money}"},
    "digest.follow_ups": {"zh": "📅 今日待跟进:", "en": "📅 Follow-ups due today:"},
    "digest.follow_up_line": {"zh": "• {rep}:{customer}{time}", "en": "• {rep}: {customer}{time}"},
    "digest.approvals": {"zh": "⏳ 等待审批:", "en": "⏳ Waiting for approval:"},
    "digest.approval_line": {
        "zh": "• {customer} {money},等 {approver} 审批(自 {since})",
        "en": "• {customer} {money}, with {approver} since {since}",
    },
    "digest.overdue": {"zh": "⏰ 逾期应收(最多的{n}个):", "en": "⏰ Overdue receivables (the biggest {n}):"},
    "digest.overdue_line": {
        "zh": "• {customer} {money},最久逾期 {days} 天({rep})",
        "en": "• {customer} {money}, oldest {days} days late ({rep})",
    },
    "digest.week_visits": {"zh": "🚶 拜访 {count} 次", "en": "🚶 {count} visit(s)"},
    "digest.week_won": {"zh": "🏆 赢单 {count} 个:{totals}", "en": "🏆 {count} deal(s) won: {totals}"},
    "digest.week_lost": {"zh": "❌ 丢单 {count} 个:{totals}", "en": "❌ {count} deal(s) lost: {totals}"},
    "digest.week_approved": {
        "zh": "✅ 合同通过 {count} 份:{totals}",
        "en": "✅ {count} contract(s) approved: {totals}",
    },
    "digest.week_payments": {"zh": "💰 回款 {count} 笔:{totals}", "en": "💰 {count} payment(s) received: {totals}"},
    "digest.brief_line": {
        "zh": "• {time}{customer}{next_step}{visited}",
        "en": "• {time}{customer}{next_step}{visited}",
    },
    "digest.next_step": {"zh": ":{next_step}", "en": ": {next_step}"},
    # the morning brief as the day's agenda (issue 19), with open complaints and needs and quiet customers (issue 20)
    "digest.brief_visited": {"zh": "(上次拜访 {on})", "en": " (visited {on})"},
    "digest.brief_none": {
        "zh": "☀️ 早上好!今天({day})没有到期的跟进。",
        "en": "☀️ Good morning! Nothing on your agenda today ({day}).",
    },
    "digest.brief_late": {"zh": "[逾期{days}天] ", "en": "[{days}d late] "},
    "digest.brief_planned": {
        "zh": "• {late}{time}计划拜访「{customer}」",
        "en": "• {late}{time}planned visit to {customer}",
    },
    "digest.brief_quiet": {"zh": "💤 很久没联系的客户({n} 个):", "en": "💤 Customers gone quiet ({n}):"},
    "digest.item_line": {
        "zh": "• 「{customer}」的{kind_word}{reason}:{text} · 期限 {due}{rep}",
        "en": "• {customer} {kind_word}{reason}: {text} · due {due}{rep}",
    },
    "digest.item_rep": {"zh": "({rep})", "en": " ({rep})"},
    "digest.items": {"zh": "📣 待处理的投诉和需求({n}):", "en": "📣 Complaints and needs due ({n}):"},
    "digest.targets": {"zh": "目标完成:", "en": "Against target:"},
    "digest.week_open_items": {
        "zh": "📣 未处理:投诉 {complaint} 个,需求 {need} 个(逾期 {late} 个)",
        "en": "📣 Still open: {complaint} complaint(s), {need} need(s) ({late} overdue)",
    },
    "chart.funnel": {"zh": "{team} 在谈商机(共 {total} 个)", "en": "{team}: open deals ({total})"},
    "chart.aging": {"zh": "{team} 应收账龄(截至 {day})", "en": "{team}: receivables aging (as of {day})"},
    # --- issue 16: a conversation a rep can steer ---------------------------------------------------------------
    "form_dropped": {"zh": "(已放弃没填完的{topic}。)", "en": "(I dropped {topic}, which was not finished.)"},
    "form_resumed": {"zh": "回到{topic}:", "en": "Back to {topic}:"},
    "topic_visit": {"zh": "「{customer}」的拜访", "en": "your {customer} visit"},
    "topic_stage": {"zh": "「{customer}」的商机", "en": "the {customer} deal"},
    "topic_contract": {"zh": "「{customer}」的合同", "en": "the {customer} contract"},
    "topic_payment": {"zh": "「{customer}」的回款", "en": "the {customer} payment"},
    "topic_schedule": {"zh": "「{customer}」的回款计划", "en": "the {customer} schedule"},
    "topic_receivables": {"zh": "应收查询", "en": "your receivables question"},
    "topic_approval": {"zh": "审批", "en": "the approval"},
    "topic_follow_up": {"zh": "「{customer}」的跟进", "en": "the {customer} follow-up"},
    "topic_generic": {"zh": "刚才的问题", "en": "the last question"},
    "topic_reminder": {"zh": "「{customer}」的提醒", "en": "the {customer} reminder"},
    "topic_reminder_any": {"zh": "刚才的提醒", "en": "the reminder you were setting"},
    "ask_reminder_when": {"zh": "什么时候提醒你?", "en": "When should I remind you?"},
    "reminder_set": {"zh": "好的,{when} 提醒你:{note}", "en": "OK, I'll remind you {when}: {note}"},
    "date_past_reminder": {
        "zh": "{date} 已经过去了,提醒要在今天或以后。",
        "en": "{date} is in the past; a reminder must be today or later.",
    },
    "reminder.note": {"zh": "⏰ 提醒:{note}", "en": "⏰ Reminder: {note}"},
    "topic_visit_any": {"zh": "刚才的拜访记录", "en": "the visit you were logging"},
    "topic_stage_any": {"zh": "刚才的商机", "en": "the deal you were moving"},
    "topic_contract_any": {"zh": "刚才的合同", "en": "the contract you were submitting"},
    "topic_payment_any": {"zh": "刚才的回款", "en": "the payment you were recording"},
    "topic_schedule_any": {"zh": "刚才的回款计划", "en": "the schedule you were changing"},
    "topic_follow_up_any": {"zh": "刚才的跟进", "en": "the follow-up you were changing"},
    "topic_receivables_any": {"zh": "应收查询", "en": "your receivables question"},
    "topic_approval_any": {"zh": "审批", "en": "the approval"},
    "visit_planned": {
        "zh": "「{customer}」的拜访是在 {when}?还没发生的拜访我先不记。",
        "en": "Your {customer} visit is on {when}? I don't log a visit before it happens.",
    },
    "btn_plan_visit": {"zh": "到时提醒我({when})", "en": "Remind me then ({when})"},
    "btn_visited_today": {"zh": "今天已经拜访了", "en": "It happened today"},
    "visit_plan_set": {
        "zh": "好的,{when} 提醒你拜访「{customer}」。拜访后告诉我情况。",
        "en": "OK: I'll remind you to visit {customer} on {when}. Tell me how it went afterwards.",
    },
    "visit_in_future": {
        "zh": "{date} 还没到,拜访要在发生后再记。",
        "en": "{date} has not come yet: log a visit once it has happened.",
    },
    "reminder.planned_visit": {
        "zh": "⏰ 今天计划拜访「{customer}」。",
        "en": "⏰ You planned to visit {customer} today.",
    },
    "deal_valued": {"zh": "已更新:「{customer}」商机金额 {money}。", "en": "Updated: the {customer} deal is {money}."},
    "deal_value": {"zh": "商机金额:{money}。", "en": "Deal value: {money}."},
    "no_open_deal": {"zh": "「{customer}」没有进行中的商机。", "en": "{customer} has no open deal."},
    "contract_chain": {"zh": "审批流程:{chain}", "en": "Approval chain: {chain}"},
    "ask_currency": {
        "zh": "「{customer}」的合同有几种币种,{amount} 是哪种?",
        "en": "{customer}'s contracts are in several currencies: which is {amount} in?",
    },
    "undone_visit": {
        "zh": "已撤销:「{customer}」{day} 的拜访记录(已作废,跟进提醒也取消了)。",
        "en": "Undone: the {customer} visit of {day} is taken back (and its follow-up reminder cancelled).",
    },
    "undone_follow_up": {
        "zh": "已撤销:「{customer}」的跟进恢复为 {when}。",
        "en": "Undone: the {customer} follow-up is back to {when}.",
    },
    "undone_stage": {
        "zh": "已撤销:「{customer}」的商机回到「{stage}」。",
        "en": "Undone: the {customer} deal is back in {stage}.",
    },
    "undone_deal": {
        "zh": "已撤销:「{customer}」刚建的商机已作废。",
        "en": "Undone: the new {customer} deal is taken back.",
    },
    "undone_amount": {
        "zh": "已撤销:「{customer}」的商机金额改回 {money}。",
        "en": "Undone: the {customer} deal value is back to {money}.",
    },
    "undone_customer": {"zh": "已撤销:客户「{customer}」已归档。", "en": "Undone: customer {customer} is archived."},
    "undone_plan": {
        "zh": "已撤销:提醒已取消({note})。",
        "en": "Undone: the reminder is cancelled ({note}).",
    },
    "follow_up_none_short": {"zh": "不跟进", "en": "none"},
    "undo_nothing": {
        "zh": "最近 {minutes} 分钟里你没有可以撤销的记录。",
        "en": "You have nothing to undo from the last {minutes} minutes.",
    },
    "undo_contract": {
        "zh": "合同不能直接撤销:说“撤回XX的合同”撤回,改好后再“重新提交”。",
        "en": "A contract is not undone: say “withdraw the X contract”, then resubmit it corrected.",
    },
    "undo_payment": {
        "zh": "回款不能直接撤销:请财务在确认时驳回它。",
        "en": "A payment is not undone: ask finance to reject it when they confirm it.",
    },
    "undo_customer_in_use": {
        "zh": "「{customer}」已经有记录了,不能撤销,请联系管理员归档。",
        "en": "{customer} already has records, so it cannot be undone; ask your admin to archive it.",
    },
    "correct_nothing": {
        "zh": "最近没有可以改的记录,请把要记的整句再说一遍。",
        "en": "There is nothing recent to correct: please say the whole thing again.",
    },
    "correct_unclear": {
        "zh": "没看懂要改成什么。可以说:不对,是下周三 / 不对,是25万 / 不对,是商务谈判。",
        "en": "I couldn't tell what to change it to. Try: no, make it Wednesday / no, 25k / no, negotiation.",
    },
    "corrected": {"zh": "改好了。", "en": "Fixed. "},
    "pick_nothing": {"zh": "现在没有要选的选项。", "en": "There is nothing to choose from right now."},
    "follow_up_closed": {
        "zh": "好的,「{customer}」的跟进已完成,不会再提醒。",
        "en": "Done: the {customer} follow-up is closed; no reminder will come.",
    },
    "ask_follow_up_move": {
        "zh": "「{customer}」的跟进改到哪天?",
        "en": "Which day should the {customer} follow-up move to?",
    },
    "follow_up_moved": {"zh": "已改期:「{customer}」。", "en": "Moved: {customer}. "},
    "no_follow_up": {"zh": "「{customer}」没有待办的跟进。", "en": "{customer} has no follow-up planned."},
    "decide_nothing": {"zh": "现在没有等你审批的合同。", "en": "Nothing is waiting for your approval."},
    "ask_which_card": {
        "zh": "有 {n} 份合同在等你审批,是哪一份?",
        "en": "{n} contracts are waiting for you: which one?",
    },
    "lang_usage": {"zh": "用法:/lang zh 或 /lang en", "en": "Usage: /lang zh or /lang en"},
    "help_manager": {
        "zh": "作为经理,你还可以:\n"
        "• 审批:点卡片上的按钮,或直接回复“批准” / “驳回,币种错了”;有几份时我会问是哪份\n"
        "• 待我审批:/approvals 或“我的审批”\n"
        "• 团队应收:谁还欠款 / 账龄 / 二八客户,再说“导出”拿Excel\n"
        "• 交接客户:/handover 旧负责人 新负责人\n"
        "• 在团队群里发 /link 接收团队通知和日报\n"
        "• 团队日报:每晚一条汇总,点评张伟:… / 给张伟定12月目标50万 / 团队本周使用情况 / 张伟下周请假 / 谁请假了\n"
        "• 问团队:本月团队业绩怎么样(/team,一个月以上附趋势图)/ 这周谁没有记录拜访 / 张伟这周拜访了几个客户 / "
        "销售漏斗(/funnel)/ 本季度预测(/forecast)\n"
        "• 留住客户:哪些客户很久没联系了 / 丢单原因分析 / 团队的目标完成多少了",
        "en": "As a manager you can also:\n"
        "• Approve: tap the card, or reply “approve” / “reject: wrong currency”; with several waiting I ask which\n"
        "• What waits for you: /approvals or “my approvals”\n"
        "• The team's money: who owes us? / aging / top customers, then “export”\n"
        "• Hand over accounts: /handover FROM TO\n"
        "• Send /link in your team's group for its notices and digests\n"
        "• Reports: one summary each evening; comment on Tom's report: … / set Tom's December target to 80k USD / "
        "who is using it this week / Tom is off on Friday / who's off\n"
        "• Ask about the team: how is the team doing this month (/team, with a trend chart for a month or longer) / "
        "who hasn't logged a visit this week / how many visits did Tom Lee make this week / pipeline (/funnel) / "
        "weighted forecast (/forecast)\n"
        "• Keep the customers: quiet accounts / why are we losing deals / how am I doing against target",
    },
    "help_finance": {
        "zh": "作为财务,你可以:\n"
        "• 确认回款:点卡片上的“确认” / “驳回”\n"
        "• 审批合同:点按钮,或回复“批准” / “驳回,原因”\n"
        "• 查应收:谁还欠款 / 阿里还欠多少 / 账龄 / 二八客户,再说“导出”拿Excel\n"
        "• 调整回款计划:阿里第二期改到6月30日\n"
        "• 问:本月业绩怎么样(/team)/ 阿里巴巴的情况(/brief)\n"
        "• /lang en 切换到英文",
        "en": "As finance you can:\n"
        "• Confirm payments: tap Confirm or Reject on the card\n"
        "• Approve contracts: tap, or reply “approve” / “reject: the reason”\n"
        "• Ask: who owes us? / how much does Acme owe / aging / top customers, then “export”\n"
        "• Move a due date: move Acme's 2nd installment to June 30\n"
        "• Ask: how are we doing this month (/team) / tell me about Acme (/brief)\n"
        "• /lang zh switches to Chinese",
    },
    "help_admin": {
        "zh": "作为管理员,你还可以:\n"
        "• 审批任何等待中的合同,交接任何人的客户:/handover 旧负责人 新负责人\n"
        "• 看全公司应收:谁还欠款 / 账龄 / 二八客户,再说“导出”拿Excel\n"
        "• 在群里发 /link 团队名 把群接到团队\n"
        "• 问全公司:本月业绩怎么样 / east团队本周业绩 / 这周谁没有记录拜访 / 销售漏斗 / 预测 / 丢单原因分析\n"
        "• 命令行:salesbot users invite、salesbot import、salesbot export",
        "en": "As an admin you can also:\n"
        "• Decide any waiting approval, hand over anyone's accounts: /handover FROM TO\n"
        "• See the company's money: who owes us? / aging / top customers, then “export”\n"
        "• Send /link TEAM in a group to tie it to a team\n"
        "• Ask about everyone: how are we doing this month / team east performance this week / who hasn't logged a "
        "visit this week / pipeline / forecast / why are we losing deals\n"
        "• At the command line: salesbot users invite, salesbot import, salesbot export",
    },
    # issue 17: a name that only contains a known customer's (华为云 with 华为 known) is asked about, never assumed
    "confirm_slip": {
        "zh": "是「{guess}」吗?(你写的是「{name}」)",
        "en": "Did you mean {guess}? (you wrote “{name}”)",
    },
    "confirm_customer": {
        "zh": "「{name}」是「{guess}」吗?还是一个新客户?",
        "en": "Is “{name}” {guess}, or a new customer?",
    },
    # issue 22: the managers' board (the web page, and the chat's ways to it)
    "board_rep_not_visible": {"zh": "你看不到这位同事的数据。", "en": "You cannot see that person's work."},
    "board_chat_move": {"zh": "{customer}进入{stage}", "en": "move {customer} to {stage}"},
    "board_chat_won": {"zh": "{customer}赢单了", "en": "{customer} is won"},
    "board_chat_owes": {"zh": "{customer}还欠多少", "en": "how much does {customer} owe"},
    "board_open": {"zh": "📊 打开看板", "en": "📊 Open the board"},
    "board_menu": {"zh": "看板", "en": "Board"},
    "cmd_board": {"zh": "团队看板", "en": "Team board"},
    "board_offer": {
        "zh": "团队看板:商机、应收账龄、漏斗和本周动态,一页看全。",
        "en": "The team board: deals, receivables aging, the funnel and the week's activity on one page.",
    },
    "board_link": {
        "zh": "看板链接({minutes} 分钟内有效,仅限你本人):\n{url}",
        "en": "Your board link (valid for {minutes} minutes, for you only):\n{url}",
    },
    "board_title": {"zh": "销售看板", "en": "Sales board"},
    "board_loading": {"zh": "加载中…", "en": "Loading…"},
    "board_refused": {
        "zh": "无法确认你的身份。请从聊天里的“打开看板”按钮重新打开。",
        "en": "We could not confirm who you are. Open the board again from the chat's “Open the board” button.",
    },
    "board_failed": {"zh": "看板暂时打不开,请稍后再试。", "en": "The board cannot be shown right now; try again soon."},
    "board_everyone": {"zh": "全部人员", "en": "Everyone"},
    "board_period": {"zh": "近 {n} 天", "en": "Last {n} days"},
    "board_pipeline": {"zh": "商机看板", "en": "Pipeline"},
    "board_funnel": {"zh": "漏斗", "en": "Funnel"},
    "board_aging": {"zh": "应收账龄(按销售)", "en": "Receivables aging by rep"},
    "board_debtors": {"zh": "欠款最多的客户", "en": "Who owes the most"},
    "board_activity": {"zh": "团队动态", "en": "Team activity"},
    "board_targets": {"zh": "目标", "en": "Targets"},
    "board_no_targets": {"zh": "还没有设定目标。", "en": "No targets are set yet."},
    "board_team": {"zh": "团队", "en": "Team"},
    "board_measure_payments": {"zh": "按回款计", "en": "counted by payments received"},
    "board_measure_contracts": {"zh": "按审批通过的合同计", "en": "counted by contracts approved"},
    "board_deals": {"zh": "{n} 个", "en": "{n} deals"},
    "board_more": {"zh": "另有 {n} 个未列出", "en": "{n} more not listed"},
    "board_days_in_stage": {"zh": "{n} 天", "en": "{n} d"},
    "board_nothing": {"zh": "暂无", "en": "Nothing yet"},
    "board_rep": {"zh": "销售", "en": "Rep"},
    "board_visits": {"zh": "拜访", "en": "Visits"},
    "board_moves": {"zh": "推进", "en": "Moves"},
    "board_won": {"zh": "赢单", "en": "Won"},
    "board_lost": {"zh": "丢单", "en": "Lost"},
    "board_payments": {"zh": "回款", "en": "Payments"},
    "board_total": {"zh": "合计", "en": "Total"},
    "board_outstanding": {"zh": "应收", "en": "Outstanding"},
    "board_overdue": {"zh": "逾期", "en": "Overdue"},
    "board_due_soon": {"zh": "30天内到期", "en": "Due within 30 days"},
    "board_days_late": {"zh": "逾期 {n} 天", "en": "{n} days late"},
    "board_in_chat": {"zh": "在聊天里说", "en": "Say in the chat"},
    "board_copied": {"zh": "已复制,粘贴到聊天里发送即可。", "en": "Copied: paste it in the chat and send."},
    # issue 23: the command line's imports and database checks, in the operator's language (--lang or [team] language)
    "cli.import_refused": {
        "zh": "第 {row} 行,“{column}”列:{reason}整个文件都没有导入。",
        "en": "Row {row}, column “{column}”: {reason} Nothing was imported.",
    },
    "cli.import_refused_row": {
        "zh": "第 {row} 行:{reason}整个文件都没有导入。",
        "en": "Row {row}: {reason} Nothing was imported.",
    },
    "cli.import_reason.import_missing_field": {
        "zh": "这一格是空的,必须填写。",
        "en": "this cell is empty and must be filled in.",
    },
    "cli.import_reason.import_bad_number": {"zh": "“{value}”不是整数。", "en": "“{value}” is not a whole number."},
    "cli.import_reason.import_bad_amount": {"zh": "“{value}”不是金额。", "en": "“{value}” is not an amount."},
    "cli.import_reason.import_bad_date": {
        "zh": "“{value}”不是日期(可以写 2026-03-11、2026/3/11 或 2026年3月11日)。",
        "en": "“{value}” is not a date (write 2026-03-11, 2026/3/11 or 2026年3月11日).",
    },
    "cli.import_reason.seed_unknown_user": {
        "zh": "没有用户“{handle}”(用 salesbot users list 查看)。",
        "en": "there is no user “{handle}” (salesbot users list shows them).",
    },
    "cli.import_reason.seed_unknown_customer": {
        "zh": "没有客户“{customer}”,请先导入客户。",
        "en": "there is no customer “{customer}”; import the customers first.",
    },
    "cli.import_reason.import_unknown_contract": {
        "zh": "客户“{customer}”没有编号为“{contract}”的合同。",
        "en": "customer “{customer}” has no contract numbered “{contract}”.",
    },
    "cli.import_reason.import_no_owner": {
        "zh": "客户“{customer}”没有负责人,这一行也没有写负责人。",
        "en": "customer “{customer}” has no owner, and this row names none.",
    },
    "cli.import_reason.other": {"zh": "这一行无法导入。", "en": "this row cannot be imported."},
    "cli.import_missing_column": {
        "zh": "文件里没有“{column}”列(可用的列名:{names})。整个文件都没有导入。",
        "en": "The file has no “{column}” column (accepted names: {names}). Nothing was imported.",
    },
    "cli.import_no_rows": {"zh": "“{file}”里没有数据行。", "en": "“{file}” has no rows of data."},
    "cli.import_unreadable.encoding": {
        "zh": "无法读取“{file}”:它既不是 UTF-8 也不是 GBK 编码的文本。请在 Excel 或 WPS 中另存为 .xlsx 或“CSV UTF-8”。",
        "en": "Cannot read “{file}”: it is neither UTF-8 nor GBK text. "
        "Save it from Excel or WPS as .xlsx or “CSV UTF-8”.",
    },
    "cli.import_unreadable.format": {
        "zh": "无法读取“{file}”:只能导入 CSV 或 XLSX 文件。",
        "en": "Cannot read “{file}”: only CSV and XLSX files can be imported.",
    },
    "cli.import_unreadable.old_excel": {
        "zh": "无法读取“{file}”:这是旧版 Excel(.xls)文件。请在 Excel 或 WPS 中另存为 .xlsx。",
        "en": "Cannot read “{file}”: it is an old Excel (.xls) file. Save it from Excel or WPS as .xlsx.",
    },
    "cli.import_unreadable.missing": {"zh": "找不到文件“{file}”。", "en": "There is no file “{file}”."},
    "cli.import_row.customers.added": {
        "zh": "第 {row} 行:新增客户「{customer}」(负责人:{owner};别名:{aliases})",
        "en": "Row {row}: add customer “{customer}” (owner: {owner}; aliases: {aliases})",
    },
    "cli.import_row.customers.changed": {
        "zh": "第 {row} 行:客户「{customer}」增加别名:{aliases}",
        "en": "Row {row}: customer “{customer}” gains the aliases {aliases}",
    },
    "cli.import_row.contracts.added": {
        "zh": "第 {row} 行:新增「{customer}」合同 {reference}:{amount} {currency},签约日期 {date}",
        "en": "Row {row}: add the “{customer}” contract {reference}: {amount} {currency}, signed {date}",
    },
    "cli.import_row.invoices.added": {
        "zh": "第 {row} 行:新增「{customer}」发票 {reference}:{amount} {currency},到期日 {date}",
        "en": "Row {row}: add the “{customer}” invoice {reference}: {amount} {currency}, due {date}",
    },
    "cli.import_row.unchanged": {"zh": "第 {row} 行:已存在,不变", "en": "Row {row}: already there, unchanged"},
    "cli.import_none": {"zh": "无", "en": "none"},
    "cli.import_ignored": {
        "zh": "没有用到的列:{columns}",
        "en": "Columns left aside: {columns}",
    },
    "cli.import_dry_run": {
        "zh": "试运行:将新增 {added} 条,修改 {changed} 条,{unchanged} 条不变;没有写入任何内容。",
        "en": "Dry run: {added} would be added, {changed} changed, {unchanged} left as they are; nothing was written.",
    },
    "cli.no_database": {
        "zh": "数据库不存在:{where}。没有创建新的空数据库。请检查 --database-url 或 SALESBOT_DATABASE_URL,"
        "或先运行 salesbot init。",
        "en": "No database at {where}, and an empty one was not created. Check --database-url or "
        "SALESBOT_DATABASE_URL, or run salesbot init first.",
    },
    "cli.no_tables": {
        "zh": "数据库 {where} 里没有 salesbot 的数据表。"
        "请检查 --database-url 或 SALESBOT_DATABASE_URL,或先运行 salesbot init。",
        "en": "The database {where} has no salesbot tables. Check --database-url or SALESBOT_DATABASE_URL, "
        "or run salesbot init first.",
    },
    "cli.demo_clock_kept": {
        "zh": "演示时钟从上次停下的时间继续:{at}。",
        "en": "The demo clock goes on from where you left it: {at}.",
    },
    "cli.demo_clock_new": {"zh": "演示时钟从现在开始:{at}。", "en": "The demo clock starts now: {at}."},
    "cli.demo_files": {
        "zh": "机器人发出的文件(导出、图表)保存在:{folder}",
        "en": "Files the bot sends (exports, charts) are saved in: {folder}",
    },
    "cli.demo_file_saved": {"zh": "已保存:{path}", "en": "saved: {path}"},
    # issue 18: hand-over within the rules, approvals of a user who left
    "same_user": {"zh": "{handle} 不能交接给自己。", "en": "{handle} cannot hand over to themselves."},
    "handover_outside_team": {
        "zh": "经理只能在本团队的销售和经理之间交接;涉及 {handle} 的交接请找管理员。",
        "en": "A manager hands over only between reps and managers of their own team; ask an admin about {handle}.",
    },
    "card.contract_reassigned": {
        "zh": "↪️ 已转交他人审批:「{customer}」{money}(审批人已离职)",
        "en": "↪️ Passed on: {customer} {money} (the approver has left)",
    },
    # issue 18: answers in a group fit the group
    "export_private_only": {
        "zh": "群里不发送导出文件,请在和我的私聊中说“导出”。",
        "en": "Exports are not posted in a group; ask me for the export in a private chat.",
    },
    "customer_not_for_this_group": {
        "zh": "「{customer}」不属于本群的团队,请在私聊中问我。",
        "en": "{customer} is not this group's team's customer; ask me in a private chat.",
    },
    "group_private_only": {
        "zh": "这个问题的答案超出了本群的团队,请在私聊中问我。",
        "en": "The answer to that goes beyond this group's team; ask me in a private chat.",
    },
    "scope_group_limited": {
        "zh": "(群里只显示{scope};其余请在私聊中问我)",
        "en": "(In this group: {scope} only; ask me privately for the rest)",
    },
    # issue 18: limits on what people type (salesbot/services/limits.py, docs/security.md)
    "message_too_long": {
        "zh": "这条消息太长了(最多 {max} 个字),没有做任何更改。请分几条发。",
        "en": "That message is too long (at most {max} characters); nothing was changed. Please split it up.",
    },
    "text_control_chars": {
        "zh": "消息里有无法显示的控制字符,没有做任何更改。请重新输入。",
        "en": "That message has control characters in it; nothing was changed. Please type it again.",
    },
    "name_too_long": {
        "zh": "名称太长了(最多 {max} 个字),没有做任何更改。",
        "en": "That name is too long (at most {max} characters); nothing was changed.",
    },
    "note_too_long": {
        "zh": "备注太长了(最多 {max} 个字),没有做任何更改。",
        "en": "That note is too long (at most {max} characters); nothing was changed.",
    },
    "amount_too_big": {
        "zh": "金额太大了(最多 {max}),没有做任何更改。请检查位数。",
        "en": "That amount is too large (at most {max}); nothing was changed. Please check the digits.",
    },
    "amount_too_precise": {
        "zh": "{currency} 金额最多 {digits} 位小数,我不会替你四舍五入。请重新输入金额。",
        "en": "{currency} amounts have at most {digits} decimals, and I won't round for you. "
        "Please give the amount again.",
    },
    "installments_out_of_range": {
        "zh": "分期数要在 1 到 {max} 期之间,没有做任何更改。",
        "en": "The number of installments must be from 1 to {max}; nothing was changed.",
    },
    "upfront_out_of_range": {
        "zh": "首付比例要大于 0%、不超过 100%,没有做任何更改。",
        "en": "An upfront share must be above 0% and at most 100%; nothing was changed.",
    },
    "net_days_out_of_range": {
        "zh": "账期要在 0 到 {max} 天之间,没有做任何更改。",
        "en": "Payment terms must be from 0 to {max} days; nothing was changed.",
    },
    "date_too_far": {
        "zh": "{day} 太远了:日期最多在 {years} 年以内。没有做任何更改。",
        "en": "{day} is too far ahead: dates go at most {years} years out. Nothing was changed.",
    },
    "due_moved_too_far": {
        "zh": "到期日最多只能挪动 {days} 天,{day} 超出了范围。没有做任何更改。",
        "en": "A due date moves by at most {days} days; {day} is beyond that. Nothing was changed.",
    },
    "installment_number_out_of_range": {
        "zh": "没有第 {seq} 期这样的分期,没有做任何更改。",
        "en": "There is no installment number {seq}; nothing was changed.",
    },
    "payment_before_contract": {
        "zh": "回款日期 {day} 早于这个客户的第一份合同({first}),没有记录。",
        "en": "{day} is before this customer's first contract ({first}); nothing was recorded.",
    },
    # --- issue 19: asking what you need to know (handlers/asking.py) ------------------------------------------------
    "topic_agenda": {"zh": "跟进清单", "en": "your agenda"},
    "topic_agenda_any": {"zh": "跟进清单", "en": "your agenda"},
    "topic_brief": {"zh": "「{customer}」的情况", "en": "the {customer} brief"},
    "topic_brief_any": {"zh": "客户情况查询", "en": "the customer brief"},
    "period_today": {"zh": "今天", "en": "today"},
    "period_yesterday": {"zh": "昨天", "en": "yesterday"},
    "period_tomorrow": {"zh": "明天", "en": "tomorrow"},
    "period_coming": {"zh": "接下来7天", "en": "the next 7 days"},
    "period_this_week": {"zh": "本周", "en": "this week"},
    "period_last_week": {"zh": "上周", "en": "last week"},
    "period_next_week": {"zh": "下周", "en": "next week"},
    "period_this_month": {"zh": "本月", "en": "this month"},
    "period_last_month": {"zh": "上个月", "en": "last month"},
    "period_this_quarter": {"zh": "本季度", "en": "this quarter"},
    "period_last_quarter": {"zh": "上季度", "en": "last quarter"},
    "period_this_year": {"zh": "今年", "en": "this year"},
    "period_last_year": {"zh": "去年", "en": "last year"},
    "period_q1": {"zh": "第一季度", "en": "Q1"},
    "period_q2": {"zh": "第二季度", "en": "Q2"},
    "period_q3": {"zh": "第三季度", "en": "Q3"},
    "period_q4": {"zh": "第四季度", "en": "Q4"},
    "ask_period": {"zh": "{name}({days})", "en": "{name} ({days})"},
    "ask_agenda_head": {"zh": "你的跟进 · {period}", "en": "Your agenda · {period}"},
    "ask_overdue_head": {"zh": "逾期未跟进 · 截至今天", "en": "Overdue · as of today"},
    "ask_agenda_empty": {"zh": "没有要跟进的事项。", "en": "Nothing to follow up."},
    "ask_agenda_count": {"zh": "共 {n} 项,逾期 {late} 项:", "en": "{n} items, {late} overdue:"},
    "ask_late": {"zh": "逾期{days}天", "en": "{days}d late"},
    "ask_agenda_follow_up": {"zh": "• {when} 跟进「{customer}」{step}", "en": "• {when} follow up {customer}{step}"},
    "ask_agenda_planned": {"zh": "• {when} 计划拜访「{customer}」", "en": "• {when} planned visit to {customer}"},
    "ask_agenda_installment": {
        "zh": "• {when} 「{customer}」第{seq}期回款 {money}",
        "en": "• {when} {customer} installment {seq}: {money} due",
    },
    "ask_next_step": {"zh": " — {step}", "en": " — {step}"},
    # the agenda's installments (buttons as the follow-ups'), complaints and needs; the story's open items
    "btn_installment_paid": {"zh": "💰 已收款 {customer}第{seq}期", "en": "💰 Paid: {customer} #{seq}"},
    "btn_installment_move": {"zh": "改期 {customer}第{seq}期", "en": "Move {customer} #{seq}"},
    "ask_agenda_item": {
        "zh": "• {when} 处理「{customer}」的{kind_word}{reason}:{text}",
        "en": "• {when} handle the {customer} {kind_word}{reason}: {text}",
    },
    "ask_story_item": {
        "zh": "{kind_word}{reason}:{text} · 期限 {due}{late} · 负责人 {owner}",
        "en": "Open {kind_word}{reason}: {text} · due {due}{late} · owner {owner}",
    },
    "ask_story_item_late": {"zh": "(已逾期)", "en": " (overdue)"},
    # a period's trend, sent with the manager's answer for a month or longer
    "chart.trend": {"zh": "{whose} · {period}", "en": "{whose} · {period}"},
    "chart.trend_visits_day": {"zh": "每天拜访(共 {n} 次)", "en": "Visits per day ({n} in all)"},
    "chart.trend_visits_week": {"zh": "每周拜访(共 {n} 次)", "en": "Visits per week ({n} in all)"},
    "chart.trend_paid_day": {
        "zh": "每天回款 {currency}(共 {total})",
        "en": "Received per day, {currency} ({total} in all)",
    },
    "chart.trend_paid_week": {
        "zh": "每周回款 {currency}(共 {total})",
        "en": "Received per week, {currency} ({total} in all)",
    },
    "btn_follow_up_done": {"zh": "✓ {customer}", "en": "✓ {customer}"},
    "btn_follow_up_move": {"zh": "改期 {customer}", "en": "Move {customer}"},
    "ask_story_head": {"zh": "「{customer}」的情况(负责人 {owner})", "en": "{customer} (owner: {owner})"},
    "ask_story_deal": {
        "zh": "商机:{deal} · {stage} · {money} · 在此阶段 {days} 天",
        "en": "Deal: {deal} · {stage} · {money} · {days} days in this stage",
    },
    "ask_story_no_deal": {"zh": "商机:暂无进行中的商机", "en": "Deal: none open"},
    "ask_story_visits": {"zh": "最近拜访:", "en": "Last visits:"},
    "ask_story_visit": {"zh": "• {on} {rep}:{notes}{step}", "en": "• {on} {rep}: {notes}{step}"},
    "ask_story_no_visit": {"zh": "拜访:还没有记录", "en": "Visits: none logged"},
    "ask_story_follow_up": {"zh": "下次跟进:{when}", "en": "Next follow-up: {when}"},
    "ask_story_pending": {
        "zh": "合同:{money} 待审批({on} 提交,等 {approver})",
        "en": "Contract: {money} waiting (submitted {on}, with {approver})",
    },
    "ask_story_active": {"zh": "合同:{money} 已批准({on})", "en": "Contract: {money} approved ({on})"},
    "ask_story_owed": {"zh": "应收:{totals}{late}", "en": "Owed: {totals}{late}"},
    "ask_story_overdue": {
        "zh": ",其中逾期 {totals}(最早 {since} 到期)",
        "en": ", of which {totals} overdue (since {since})",
    },
    "ask_customer_not_visible": {
        "zh": "「{customer}」不是你负责的客户,看不到它的情况。",
        "en": "{customer} belongs to another rep: its story is not yours to see.",
    },
    "ask_team_not_yours": {
        "zh": "你只能看自己团队的数据。",
        "en": "You can only see your own team's figures.",
    },
    "ask_scope_own": {"zh": "你自己", "en": "You"},
    "ask_scope_team": {"zh": "{team}", "en": "{team}"},
    "ask_scope_all": {"zh": "全公司", "en": "Company"},
    "ask_own_only": {
        "zh": "(你是销售,只能看到自己的数据;团队数据请问经理。)",
        "en": "(As a rep you see your own figures only; your manager sees the team's.)",
    },
    "ask_team_head": {"zh": "{whose} · {period}", "en": "{whose} · {period}"},
    "ask_fig_visits": {"zh": "拜访 {n}", "en": "visits {n}"},
    "ask_fig_new": {"zh": "新商机 {n}{totals}", "en": "new deals {n}{totals}"},
    "ask_fig_moves": {"zh": "阶段推进 {n}", "en": "stage moves {n}"},
    "ask_fig_won": {"zh": "赢单 {n}{totals}", "en": "won {n}{totals}"},
    "ask_fig_lost": {"zh": "丢单 {n}", "en": "lost {n}"},
    "ask_fig_approved": {"zh": "合同批准 {n}{totals}", "en": "contracts approved {n}{totals}"},
    "ask_fig_paid": {"zh": "回款 {totals}", "en": "received {totals}"},
    "ask_lost_reasons": {"zh": "丢单原因:{reasons}", "en": "Lost because: {reasons}"},
    "ask_no_reason": {"zh": "未说明", "en": "no reason given"},
    "ask_by_person": {"zh": "按人:", "en": "By rep:"},
    "ask_person_line": {"zh": "• {rep}:{figures}", "en": "• {rep}: {figures}"},
    "ask_list_sep": {"zh": "、", "en": ", "},
    "ask_silent_short": {"zh": "没有拜访记录({n}人):{names}", "en": "No visit logged ({n}): {names}"},
    "ask_silent": {
        "zh": "{whose} · {period}:{reps} 位销售中有 {n} 位没有记录拜访:{names}",
        "en": "{whose} · {period}: {n} of {reps} reps logged no visit: {names}",
    },
    "ask_silent_none": {
        "zh": "{whose} · {period}:{reps} 位销售都记录了拜访。",
        "en": "{whose} · {period}: all {reps} reps logged a visit.",
    },
    "ask_own_visits": {"zh": "{period}你记录了 {n} 次拜访。", "en": "{period}: you logged {n} visits."},
    "ask_person_not_yours": {
        "zh": "{rep} 不在你能看到的范围内。",
        "en": "{rep} is not in the team you can see.",
    },
    "ask_activity_who": {
        "zh": "想看谁的?比如“张伟这周拜访了几个客户”。",
        "en": "Whose activity? For example “how many visits did Tom Lee make this week”.",
    },
    "ask_activity_head": {
        "zh": "{rep} · {period}:拜访 {visits} 次,{customers} 个客户",
        "en": "{rep} · {period}: {visits} visits, {customers} customers",
    },
    "ask_funnel_head": {"zh": "{whose} · 销售漏斗(在谈 {n} 个)", "en": "{whose} · pipeline ({n} open deals)"},
    "ask_funnel_line": {"zh": "• {stage}:{n} 个{totals}", "en": "• {stage}: {n}{totals}"},
    "ask_funnel_total": {"zh": "合计:{totals}", "en": "Total: {totals}"},
    "ask_forecast_head": {
        "zh": "{whose} · 加权预测(在谈 {n} 个)",
        "en": "{whose} · weighted forecast ({n} open deals)",
    },
    "ask_forecast_line": {
        "zh": "• {stage} {percent}%:{n} 个,{value} → {weighted}",
        "en": "• {stage} {percent}%: {n}, {value} → {weighted}",
    },
    "ask_forecast_total": {"zh": "预计成交:{totals}", "en": "Expected: {totals}"},
    "ask_deal_line": {
        "zh": "  商机:{stage} · {money}({since} 进入此阶段)",
        "en": "  Deal: {stage} · {money} (in this stage since {since})",
    },
    # --- issue 20: keeping the customers ----------------------------------------------------------------------
    "topic_retention": {"zh": "认领「{customer}」", "en": "claiming {customer}"},
    "topic_retention_any": {"zh": "认领客户", "en": "the customer you were claiming"},
    "topic_item": {"zh": "「{customer}」的投诉/需求", "en": "the {customer} complaint or need"},
    "topic_item_any": {"zh": "刚才的投诉/需求", "en": "the complaint or need you were recording"},
    "retention.none_quiet": {"zh": "没有很久没联系的客户。👍", "en": "No customer has gone quiet. 👍"},
    "retention.quiet_list": {
        "zh": "很久没联系的客户({count} 个,最久的在前):\n{lines}",
        "en": "Quiet accounts ({count}, longest first):\n{lines}",
    },
    "retention.line": {
        "zh": "• {star}{customer} · {days}天没联系 · {step}",
        "en": "• {star}{customer} · {days} days quiet · {step}",
    },
    "retention.key_mark": {"zh": "⭐", "en": "⭐"},
    "retention.level1": {"zh": "已提醒负责人", "en": "rep told"},
    "retention.level2": {"zh": "已提醒经理", "en": "manager told"},
    "retention.level3": {"zh": "已进公海", "en": "in the team's pool"},
    "retention.more": {"zh": "……还有 {n} 个", "en": "… and {n} more"},
    "retention.daily": {
        "zh": "🔕 很久没联系的客户({count} 个):\n{lines}\n联系一下,或在「{example}」安排一次跟进。",
        "en": "🔕 Customers gone quiet ({count}):\n{lines}\nGet in touch, or plan a follow-up with {example}.",
    },
    "retention.daily_line": {
        "zh": "• {star}{customer} · {days}天没联系{rep}{step}",
        "en": "• {star}{customer} · {days} days quiet{rep}{step}",
    },
    "retention.daily_rep": {"zh": " · 负责人 {rep}", "en": " · rep {rep}"},
    "retention.daily_level2": {"zh": " · 已告知经理", "en": " · manager told"},
    "retention.daily_level3": {"zh": " · 已放入公海", "en": " · released to the team's pool"},
    "retention.released": {
        "zh": "🌊「{customer}」{days}天没联系(原负责人 {rep}),已放入团队公海。交给谁?",
        "en": "🌊 {customer} has been quiet for {days} days (rep {rep}) and is now in the team's pool. Who takes it?",
    },
    "btn_give_to": {"zh": "交给{name}", "en": "Give to {name}"},
    "retention.pool_done": {"zh": "「{customer}」已有人负责。", "en": "{customer} has a rep again."},
    "retention.given": {
        "zh": "{by} 把「{customer}」交给了你,请尽快联系。",
        "en": "{by} gave you {customer}: please get in touch soon.",
    },
    "retention.given_done": {"zh": "好的,「{customer}」交给了 {rep}。", "en": "Done: {customer} goes to {rep}."},
    "retention.claimed": {
        "zh": "「{customer}」现在是你的客户了,请尽快联系。",
        "en": "{customer} is yours now: get in touch soon.",
    },
    "retention_not_pooled": {"zh": "「{customer}」不在公海里。", "en": "{customer} is not in the pool."},
    "retention_not_in_your_pool": {
        "zh": "「{customer}」不在你团队的公海里。",
        "en": "{customer} is not in your team's pool.",
    },
    "retention_rep_gone": {"zh": "这位同事已不在团队里,请选别人。", "en": "That rep is no longer in the team."},
    "item.ask_category": {
        "zh": "「{customer}」投诉的是哪方面?",
        "en": "What is the {customer} complaint about?",
    },
    "item.opened_complaint": {
        "zh": "已记录「{customer}」的投诉({reason}):{text}\n{due}",
        "en": "Logged a complaint from {customer} ({reason}): {text}\n{due}",
    },
    "item.opened_need": {
        "zh": "已记录「{customer}」的需求:{text}\n{due}",
        "en": "Logged a need from {customer}: {text}\n{due}",
    },
    "item.due": {
        "zh": "请在 {due} 前处理,逾期会提醒经理。",
        "en": "Please handle it by {due}; after that your manager is told.",
    },
    "item.manager_told": {
        "zh": "⭐ 这是重点客户,经理已收到通知。",
        "en": "⭐ This is a key customer: your manager has been told.",
    },
    "item.closed_complaint": {
        "zh": "「{customer}」的投诉已处理完。客户对处理结果:",
        "en": "The {customer} complaint is closed. How did the customer take it?",
    },
    "item.closed_need": {
        "zh": "「{customer}」的需求已处理完。客户对处理结果:",
        "en": "The {customer} need is closed. How did the customer take it?",
    },
    "item.reaction_satisfied": {"zh": "满意", "en": "Satisfied"},
    "item.reaction_neutral": {"zh": "一般", "en": "Neutral"},
    "item.reaction_unsatisfied": {"zh": "不满意", "en": "Unsatisfied"},
    "item.reaction_kept": {"zh": "已记下:「{customer}」{reaction}。", "en": "Noted: {customer} was {reaction}."},
    "item_none_open": {
        "zh": "「{customer}」没有未处理的投诉或需求。",
        "en": "{customer} has no open complaint or need.",
    },
    "retention.key_complaint": {
        "zh": "⚠️ 重点客户「{customer}」投诉{reason_paren}:{text}\n负责人 {rep},期限 {due_on}。",
        "en": "⚠️ Key customer {customer} complained{reason_paren}: {text}\nRep {rep}, due {due_on}.",
    },
    "reminder.item_overdue": {
        "zh": "⏰ 「{customer}」的{kind_word}已逾期(期限 {due_on}):{text}\n负责人 {rep}。",
        "en": "⏰ The {customer} {kind_word} is overdue (due {due_on}): {text}\nRep {rep}.",
    },
    "item.kind_complaint": {"zh": "投诉", "en": "complaint"},
    "item.kind_need": {"zh": "需求", "en": "need"},
    "item.reason_paren": {"zh": "({reason})", "en": " ({reason})"},
    "losses.span": {"zh": "{since} 至 {until}", "en": "{since} to {until}"},
    "losses.none": {
        "zh": "{span}没有丢单、沉默客户或投诉。",
        "en": "No deals lost, customers gone quiet or complaints, {span}.",
    },
    "losses.title": {
        "zh": "📉 丢单原因分析({span}):丢单 {lost} 个",
        "en": "📉 Why we lose ({span}): {lost} deals lost",
    },
    "losses.by_reason": {"zh": "按原因:", "en": "By reason:"},
    "losses.by_rep": {"zh": "按负责人:", "en": "By rep:"},
    "losses.quiet_by_rep": {
        "zh": "沉默客户(已告知经理或进公海),按负责人:",
        "en": "Customers gone quiet (manager told or pooled), by rep:",
    },
    "losses.complaints": {"zh": "投诉,按类别:", "en": "Complaints, by category:"},
    "losses.nothing": {"zh": "• 无", "en": "• none"},
    "losses.no_reason": {"zh": "未说明原因", "en": "No reason given"},
    "losses.chart": {"zh": "丢单与流失({span})", "en": "Losses ({span})"},
    "losses.reasons_panel": {"zh": "丢单原因", "en": "Deals lost, by reason"},
    "losses.complaints_panel": {"zh": "投诉类别", "en": "Complaints, by category"},
    "digest.retention": {
        "zh": "🛡️ {team} 客户保持周报 · {first} – {last}",
        "en": "🛡️ {team} retention summary · {first} – {last}",
    },
    "digest.retention_quiet": {"zh": "🔕 沉默的重点客户({n}):", "en": "🔕 Key customers gone quiet ({n}):"},
    "digest.retention_quiet_line": {
        "zh": "• ⭐{customer} · {days}天没联系 · {step}{owed}",
        "en": "• ⭐{customer} · {days} days quiet · {step}{owed}",
    },
    "digest.retention_owed": {"zh": " · 逾期欠款 {totals}", "en": " · overdue {totals}"},
    "digest.retention_complaints": {"zh": "⚠️ 未处理的投诉({n}):", "en": "⚠️ Open complaints ({n}):"},
    "digest.retention_complaint_line": {
        "zh": "• {customer}({reason})· 期限 {due}{late} · {rep}",
        "en": "• {customer} ({reason}) · due {due}{late} · {rep}",
    },
    "digest.retention_late": {"zh": " · 已逾期", "en": " · overdue"},
    "digest.retention_lost": {"zh": "📉 上周丢单 {n} 个,按原因:", "en": "📉 Deals lost last week ({n}), by reason:"},
    "digest.retention_lost_line": {"zh": "• {reason}:{n}", "en": "• {reason}: {n}"},
    # --- issue 21: work reports (日报), the manager's summary, targets -------------------------------------------
    "report.draft_intro": {
        "zh": "📝 今天的日报我帮你写好了。直接发送、补充几句再发,或今天跳过:",
        "en": "📝 Your report for today is drafted. Send it as it is, add a line first, or skip today:",
    },
    "report.head": {"zh": "【日报】{day}", "en": "Daily report, {day}"},
    "report.visits": {"zh": "🚶 拜访({n}):", "en": "🚶 Visits ({n}):"},
    "report.visit_line": {"zh": "• {customer}{notes}", "en": "• {customer}{notes}"},
    "report.next_step": {"zh": "(下一步:{next_step})", "en": " (next: {next_step})"},
    "report.moves": {"zh": "📈 商机推进({n}):", "en": "📈 Deals moved ({n}):"},
    "report.move_line": {"zh": "• {customer} · {deal}:{old} → {new}", "en": "• {customer} · {deal}: {old} → {new}"},
    "report.contracts": {"zh": "📄 合同({n}):", "en": "📄 Contracts ({n}):"},
    "report.contract_line": {"zh": "• {customer} {money}({status})", "en": "• {customer} {money} ({status})"},
    "report.status_pending": {"zh": "审批中", "en": "awaiting approval"},
    "report.status_active": {"zh": "已批准", "en": "approved"},
    "report.status_rejected": {"zh": "已驳回", "en": "rejected"},
    "report.status_withdrawn": {"zh": "已撤回", "en": "withdrawn"},
    "report.payments": {"zh": "💰 回款({n}):", "en": "💰 Payments ({n}):"},
    "report.payment_line": {"zh": "• {customer} {money}", "en": "• {customer} {money}"},
    "report.plan": {"zh": "🗓 明日计划({day}):", "en": "🗓 Plan for {day}:"},
    "report.plan_line": {"zh": "• {time}{customer}{what}", "en": "• {time}{customer}{what}"},
    "report.added": {"zh": "✍️ 补充:\n{added}", "en": "✍️ Notes:\n{added}"},
    "report.closed_sent": {"zh": "✅ {day_on}的日报已发送。", "en": "✅ Your report for {day_on} was sent."},
    "report.closed_skipped": {"zh": "⏭ {day_on}的日报已跳过。", "en": "⏭ You skipped the report for {day_on}."},
    "report.sent_reply": {
        "zh": "✅ 日报已发送给{manager}:\n\n{report}",
        "en": "✅ Report sent to {manager}:\n\n{report}",
    },
    "report.sent_reply_nobody": {"zh": "✅ 日报已保存:\n\n{report}", "en": "✅ Report saved:\n\n{report}"},
    "report.skipped_reply": {"zh": "好的,今天的日报跳过了。", "en": "OK, no report today."},
    "report.ask_lines": {
        "zh": "要补充什么?直接发给我,原样附在日报后面,然后发送。",
        "en": "What would you like to add? Send it and I'll put it under the report as you wrote it, then send it.",
    },
    "report_not_found": {"zh": "找不到这份日报。", "en": "I can't find that report."},
    "report_already_sent": {"zh": "这份日报已经发送过了。", "en": "That report was already sent."},
    "report_already_skipped": {"zh": "这份日报已经跳过了。", "en": "That report was skipped."},
    "report_already_empty": {"zh": "这一天没有日报。", "en": "There is no report for that day."},
    "report_none_sent": {"zh": "{rep}还没有发过日报。", "en": "{rep} hasn't sent a report yet."},
    "report_not_yours": {
        "zh": "只有他的主管或管理员可以点评这份日报。",
        "en": "Only their manager or an admin can comment on this report.",
    },
    "report.summary": {"zh": "📋 团队日报 {day}", "en": "📋 The team's reports, {day}"},
    "report.summary_sent": {"zh": "已交({n}):", "en": "Sent ({n}):"},
    "report.sent_line": {"zh": "• {rep}:{highlights}", "en": "• {rep}: {highlights}"},
    "report.hl_visits": {"zh": "拜访{n}", "en": "{n} visit(s)"},
    "report.hl_moves": {"zh": "推进{n}", "en": "{n} deal move(s)"},
    "report.hl_contracts": {"zh": "合同{money}", "en": "contracts {money}"},
    "report.hl_payments": {"zh": "回款{money}", "en": "payments {money}"},
    "report.hl_plan": {"zh": "明日计划{n}", "en": "{n} planned"},
    "report.summary_missing": {"zh": "⏳ 未交({n}):{names}", "en": "⏳ Not sent yet ({n}): {names}"},
    "report.summary_skipped": {"zh": "⏭ 今天跳过:{names}", "en": "⏭ Skipped today: {names}"},
    "btn_report_send": {"zh": "发送", "en": "Send"},
    "btn_report_add": {"zh": "补充几句", "en": "Add a line"},
    "btn_report_skip": {"zh": "今天跳过", "en": "Skip today"},
    "report.btn_comment": {"zh": "点评 {rep}", "en": "Comment on {rep}"},
    "report.weekly_btn_comment": {"zh": "点评 {rep} 的周报", "en": "Comment on {rep}'s week"},
    "btn_report_nudge": {"zh": "提醒未交的 {n} 人", "en": "Nudge the {n} not sent"},
    "report.ask_comment": {
        "zh": "对{rep}的日报说点什么?发给我,我转给他。",
        "en": "What would you like to tell {rep} about their report? I'll pass it on.",
    },
    "report.comment_sent": {"zh": "👌 已把点评转给{rep}。", "en": "👌 {rep} has your comment."},
    "report.commented": {
        "zh": "💬 {manager}点评了你{day_on}的日报:{comment}",
        "en": "💬 {manager} commented on your report for {day_on}: {comment}",
    },
    "report.nudged": {
        "zh": "⏰ {manager}提醒你:{day_on}的日报还没交,点上面日报卡片上的“发送”就好。",
        "en": "⏰ {manager} reminds you: your report for {day_on} isn't sent yet. Tap Send on the report card above.",
    },
    "report.nudge_done": {"zh": "已提醒:{names}", "en": "Nudged: {names}"},
    "report.nudge_nobody": {"zh": "大家都交了,不用提醒。", "en": "Everyone has sent theirs: nobody to nudge."},
    "report.weekly_draft_intro": {
        "zh": "📝 本周的周报我帮你写好了。直接发送、补充几句再发,或跳过:",
        "en": "📝 Your weekly report is drafted. Send it as it is, add a line first, or skip it:",
    },
    "report.weekly_head": {"zh": "【周报】{day} 至 {until}", "en": "Weekly report, {day} to {until}"},
    "report.weekly_plan": {"zh": "🗓 下周计划({day} 至 {until}):", "en": "🗓 Plan for {day} to {until}:"},
    "report.weekly_plan_line": {"zh": "• {on} {time}{customer}{what}", "en": "• {on} {time}{customer}{what}"},
    "report.weekly_sent_reply": {
        "zh": "✅ 周报已发送给{manager}:\n\n{report}",
        "en": "✅ Weekly report sent to {manager}:\n\n{report}",
    },
    "report.weekly_sent_reply_nobody": {
        "zh": "✅ 周报已保存:\n\n{report}",
        "en": "✅ Weekly report saved:\n\n{report}",
    },
    "report.weekly_tag": {"zh": "(周报)", "en": " (weekly)"},
    "report.weekly_closed_sent": {
        "zh": "✅ {day_on}这一周的周报已发送。",
        "en": "✅ Your weekly report for the week of {day_on} was sent.",
    },
    "report.weekly_closed_skipped": {
        "zh": "⏭ {day_on}这一周的周报已跳过。",
        "en": "⏭ You skipped the weekly report for the week of {day_on}.",
    },
    "report.weekly_skipped_reply": {"zh": "好的,这周的周报跳过了。", "en": "OK, no weekly report this week."},
    "report.weekly_commented": {
        "zh": "💬 {manager}点评了你{day_on}这一周的周报:{comment}",
        "en": "💬 {manager} commented on your weekly report for the week of {day_on}: {comment}",
    },
    "report.weekly_nudged": {
        "zh": "⏰ {manager}提醒你:{day_on}这一周的周报还没交,点周报卡片上的“发送”就好。",
        "en": "⏰ {manager} reminds you: your weekly report for the week of {day_on} isn't sent yet. Tap Send on it.",
    },
    "topic_report": {"zh": "你的日报", "en": "your report"},
    "topic_report_any": {"zh": "你的日报", "en": "your report"},
    "target.standing": {
        "zh": "🎯 {who}的目标({since}至{until}):已完成 {done} / {target}({percent}%,按{measure})",
        "en": "🎯 {who}'s target ({since} to {until}): {done} of {target} ({percent}%, {measure})",
    },
    "target.measure_payments": {"zh": "回款", "en": "payments received"},
    "target.measure_contracts": {"zh": "已批合同", "en": "contracts approved"},
    "target.none": {
        "zh": "这段时间还没有设目标。主管可以说“给张伟定12月目标50万”。",
        "en": "No target is set for now. A manager can say “set Tom's December target to 80k USD”.",
    },
    "target.set": {"zh": "好的,已设定。\n{standing}", "en": "Done.\n{standing}"},
    "target_invalid": {"zh": "目标金额要大于0。", "en": "A target must be more than zero."},
    "target_who_unknown": {"zh": "我不认识“{who}”这位销售。", "en": "I don't know a rep called “{who}”."},
    "target_not_allowed": {
        "zh": "只有他的主管或管理员可以设目标。",
        "en": "Only their manager or an admin can set a target.",
    },
    "adoption.head": {"zh": "📊 使用情况({since} 至 {until}):", "en": "📊 Who is using it ({since} to {until}):"},
    "adoption.line": {
        "zh": "• {rep}:活跃 {days} 天 · 消息 {messages} 条 · 拜访 {visits} 次 · 日报 {reports} 份",
        "en": "• {rep}: active {days} day(s) · {messages} message(s) · {visits} visit(s) · {reports} report(s)",
    },
    "adoption.none": {"zh": "你名下还没有销售。", "en": "No reps report to you yet."},
    "adoption_not_allowed": {
        "zh": "使用情况只有主管和管理员能看。",
        "en": "Only managers and admins can see who is using it.",
    },
    "report.silent_nudge": {
        "zh": "👋 好几天没听到你的消息了({days} 个工作日)。今天见了谁、聊了什么,发一句给我就行,"
        "比如“今天拜访了阿里,下周二再跟进”。",
        "en": "👋 I haven't heard from you in {days} working days. Tell me who you met today in one sentence, "
        "e.g. “visited Acme, follow up next Tuesday”.",
    },
    "report.summary_silent": {"zh": "🔕 好几天没用了:{names}", "en": "🔕 Silent for a while: {names}"},
    "report.silent_who": {"zh": "{rep}({days} 个工作日)", "en": "{rep} ({days} working days)"},
    "report.summary_usage": {"zh": "📊 本周使用情况:", "en": "📊 This week's use:"},
    "chart.targets": {"zh": "{team} 目标完成率", "en": "{team}: attainment against target"},
    "report.summary_targets": {"zh": "🎯 目标进度:", "en": "🎯 Targets:"},
    "target.ask_amount": {"zh": "目标多少?(例如 50万)", "en": "How much is the target? (e.g. 80k USD)"},
    # --- issue 21: leave (请假) and the report asked for in chat -------------------------------------------------
    "topic_leave": {"zh": "你的请假", "en": "your leave"},
    "topic_leave_any": {"zh": "你的请假", "en": "your leave"},
    "report.summary_away": {"zh": "🌴 请假:{names}", "en": "🌴 On leave: {names}"},
    "leave.taken_self": {
        "zh": "🌴 好的,已记下你请假:{period}(共 {days} 个工作日{note})。这几天不会给你写日报,也不会提醒你。"
        "说“取消请假”可以撤销。",
        "en": "🌴 Done: you're off {period} ({days} working day(s){note}). No report and no nudges on those days. "
        "Say “cancel my leave” to take it back.",
    },
    "leave.taken_other": {
        "zh": "🌴 好的,已记下{who}请假:{period}(共 {days} 个工作日{note})。那几天不会给{who}写日报或提醒,"
        "日报汇总里会写“请假”。",
        "en": "🌴 Done: {who} is off {period} ({days} working day(s){note}). No report or nudges for them on those "
        "days; your summary will say they're on leave.",
    },
    "leave.note": {"zh": ",{note}", "en": ", {note}"},
    "leave.set_for_you": {
        "zh": "🌴 {manager}帮你登记了请假:{starts_on} 至 {ends_on}。这几天不会给你写日报。",
        "en": "🌴 {manager} has put you down as off from {starts_on} to {ends_on}. No report on those days.",
    },
    "leave.cancelled_for_you": {
        "zh": "🔙 {manager}取消了你的请假:{starts_on} 至 {ends_on}。",
        "en": "🔙 {manager} cancelled your leave from {starts_on} to {ends_on}.",
    },
    "leave.ask_days": {
        "zh": "哪天请假?比如“明天”、“下周一到周三”、“5月6日到8日”。",
        "en": "Which days are you off? E.g. “tomorrow”, “Monday to Wednesday”, “May 6 to 8”.",
    },
    "leave.days_unreadable": {
        "zh": "没看懂是哪几天。",
        "en": "I couldn't tell which days.",
    },
    "leave.cancelled": {
        "zh": "🔙 已取消{who}的请假:{periods}。",
        "en": "🔙 Cancelled {who} leave: {periods}.",
    },
    "leave.kept": {"zh": "仍然请假:{periods}。", "en": "Still off: {periods}."},
    "leave.you": {"zh": "你", "en": "your"},
    "leave.whose": {"zh": "{who}", "en": "{who}'s"},
    "leave.list_head": {"zh": "🌴 请假安排:", "en": "🌴 Leave coming up:"},
    "leave.list_line": {
        "zh": "• {who}:{period}(共 {days} 个工作日{note})",
        "en": "• {who}: {period} ({days} working day(s){note})",
    },
    "leave.list_none": {
        "zh": "最近没有请假。要请假就说“我明天请假”或“下周一到周三休假”。",
        "en": "Nobody is off from today on. To take days off, say “I'm off tomorrow” or “off Monday to Wednesday”.",
    },
    "leave.period_one": {"zh": "{day}", "en": "{day}"},
    "leave.period_range": {"zh": "{since} 至 {until}", "en": "{since} to {until}"},
    "leave_backwards": {"zh": "结束日期在开始日期之前了。", "en": "The last day is before the first."},
    "leave_too_long": {
        "zh": "请假不能超过一年,请分段登记或找管理员。",
        "en": "Leave can't be longer than a year: enter it in parts, or ask an admin.",
    },
    "leave_no_working_day": {
        "zh": "那几天本来就不上班,不用请假。",
        "en": "Those days aren't working days anyway: no leave needed.",
    },
    "leave_already": {
        "zh": "{who}在 {since} 至 {until} 已经请过假了。",
        "en": "{who} is already off from {since} to {until}.",
    },
    "leave_none": {"zh": "{who}今天以后没有请假。", "en": "{who} has no leave from today on."},
    "leave_who_unknown": {"zh": "我不认识“{who}”这位同事。", "en": "I don't know a colleague called “{who}”."},
    "leave_not_allowed": {
        "zh": "只有{who}的主管或管理员可以替他请假。",
        "en": "Only {who}'s manager or an admin can put them on leave.",
    },
    "report.asked_empty": {
        "zh": "今天还没有记录什么,没有可写的日报。拜访、推进、回款说一句,我就记下来写进日报。",
        "en": "Nothing is logged today, so there's no report to draft yet. Tell me about a visit, a deal or a payment.",
    },
    "report.weekly_asked_empty": {
        "zh": "这周还没有记录什么,没有可写的周报。",
        "en": "Nothing is logged this week, so there's no weekly report to draft yet.",
    },
    "report.asked_sent": {"zh": "今天的日报已经发送了。", "en": "Today's report was already sent."},
    "report.weekly_asked_sent": {"zh": "这周的周报已经发送了。", "en": "This week's report was already sent."},
    "report.asked_skipped": {"zh": "今天的日报已经跳过了。", "en": "You skipped today's report."},
    "report.weekly_asked_skipped": {"zh": "这周的周报已经跳过了。", "en": "You skipped this week's report."},
    "report.summary_nothing": {
        "zh": "今天团队还没有日报可汇总。",
        "en": "Nothing from the team to sum up today yet.",
    },
    # Issue 17: a relative phrase (三天后, in 3 days) fell on a day off: moved to the next working day.
    "off_day.follow_up": {
        "zh": "{phrase}是 {day},休息日,跟进改到 {moved}。",
        "en": "“{phrase}” is {day}, a day off: the follow-up moves to the next working day, {moved}.",
    },
    "off_day.reminder": {
        "zh": "{phrase}是 {day},休息日,提醒改到 {moved}。",
        "en": "“{phrase}” is {day}, a day off: the reminder moves to the next working day, {moved}.",
    },
    # issue 17, item 5: two close readings of a sentence; one button per action (dispatch._ask_which)
    "which_intent": {"zh": "「{text}」\n你是想…?", "en": "“{text}”\nDid you mean to…?"},
    "topic_which": {"zh": "刚才那句话的意思", "en": "what you meant by the last sentence"},
    "topic_which_any": {"zh": "刚才那句话的意思", "en": "what you meant by the last sentence"},
    "intent_visit": {"zh": "记录拜访", "en": "Log a visit"},
    "intent_stage": {"zh": "更新商机(阶段或金额)", "en": "Update the deal (stage or value)"},
    "intent_contract": {"zh": "提交合同", "en": "Submit a contract"},
    "intent_receivables": {"zh": "查应收款", "en": "Check what is owed"},
    "intent_payment": {"zh": "登记回款", "en": "Record a payment"},
    "intent_reminder": {"zh": "设提醒", "en": "Set a reminder"},
    "intent_help": {"zh": "看帮助", "en": "See help"},
    "intent_my_customers": {"zh": "看我的客户", "en": "List my customers"},
    "intent_my_deals": {"zh": "看我的商机", "en": "List my deals"},
    "intent_schedule": {"zh": "改回款计划", "en": "Change a payment schedule"},
    "intent_export": {"zh": "导出表格", "en": "Export a spreadsheet"},
    "intent_my_approvals": {"zh": "看待我审批的", "en": "See what awaits my approval"},
    "intent_agenda": {"zh": "看跟进清单", "en": "See my agenda"},
    "intent_customer_brief": {"zh": "看客户情况", "en": "See the customer's brief"},
    "intent_team_report": {"zh": "看团队报告", "en": "See the team report"},
    "intent_silent_reps": {"zh": "看谁好久没用", "en": "See who has gone quiet"},
    "intent_rep_activity": {"zh": "看销售的动态", "en": "See a rep's activity"},
    "intent_funnel": {"zh": "看销售漏斗", "en": "See the funnel"},
    "intent_forecast": {"zh": "看预测", "en": "See the forecast"},
    "intent_set_target": {"zh": "设目标", "en": "Set a target"},
    "intent_attainment": {"zh": "看目标完成情况", "en": "See attainment"},
    "intent_adoption": {"zh": "看使用情况", "en": "See who is using it"},
    "intent_report_comment": {"zh": "点评日报", "en": "Comment on a report"},
    "intent_undo": {"zh": "撤销上一步", "en": "Undo the last step"},
    "intent_correct": {"zh": "更正刚才的", "en": "Correct the last answer"},
    "intent_follow_up_move": {"zh": "改跟进日期", "en": "Move the follow-up"},
    "intent_follow_up_done": {"zh": "完成跟进", "en": "Mark the follow-up done"},
    "intent_decide": {"zh": "审批", "en": "Decide an approval"},
    "intent_pick": {"zh": "选一项", "en": "Pick an option"},
    "intent_quiet_accounts": {"zh": "看久未联系的客户", "en": "See quiet accounts"},
    "intent_claim_customer": {"zh": "认领客户", "en": "Claim the customer"},
    "intent_complaint": {"zh": "登记投诉", "en": "Log a complaint"},
    "intent_need": {"zh": "登记需求", "en": "Log a need"},
    "intent_item_close": {"zh": "关闭投诉/需求", "en": "Close a complaint or need"},
    "intent_why_lost": {"zh": "看丢单原因", "en": "See why deals were lost"},
}
