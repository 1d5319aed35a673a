"""The message catalogue: key -> {lang: template}. Keep both languages on every key."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # who is talking
    "stranger": {
        "zh": "抱歉,我还不认识你。请找管理员要一个邀请链接。/ Sorry, I don't know you yet.",
        "en": "Sorry, I don't know you yet. Please ask your admin for an invite. / 抱歉,我还不认识你。",
    },
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
        "• 查看:我的客户(/customers)、我的商机(/deals)\n"
        "• /cancel 取消正在填写的内容,/lang en 切换到英文\n"
        "缺什么我会问你,点按钮即可。",
        "en": "I keep your sales records from one sentence:\n"
        "• Log a visit: met Acme's CFO, call back in 3 days\n"
        "• Move a deal: move Acme to negotiation / Acme is won / Acme is lost\n"
        "• See: my customers (/customers), my deals (/deals)\n"
        "• /cancel drops what you are filling in, /lang zh switches to Chinese\n"
        "If anything is missing I will ask, with buttons.",
    },
    "lang_set": {"zh": "好的,以后用中文和你说话。", "en": "OK, I'll talk to you in English from now on."},
    "cmd_start": {"zh": "开始", "en": "Start"},
    "cmd_help": {"zh": "怎么用", "en": "What I can do"},
    "cmd_customers": {"zh": "我的客户", "en": "My customers"},
    "cmd_deals": {"zh": "我的商机", "en": "My open deals"},
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
}
