//! The strings. Keep entries grouped by where they show; `{0}`… are parameters.

macro_rules! texts {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A user-visible text; [`T::get`] gives it in a language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum T {
            $(
                #[doc = $en]
                $key,
            )*
        }

        impl T {
            /// Every entry of the table.
            pub const ALL: &'static [T] = &[$(T::$key),*];

            /// This text in `lang`.
            pub fn get(self, lang: super::Lang) -> &'static str {
                match lang {
                    super::Lang::ZhCn => match self { $(T::$key => $zh,)* },
                    super::Lang::En => match self { $(T::$key => $en,)* },
                }
            }
        }
    };
}

texts! {
    // Order statuses.
    StatusPendingPayment => "待支付", "awaiting payment";
    StatusPendingVoucher => "待上传凭证", "awaiting transfer voucher";
    StatusPendingReview => "待审核", "awaiting review";
    StatusRejected => "已驳回", "returned for correction";
    StatusPendingShipment => "待邮寄", "to be mailed";
    StatusPendingInvoice => "待开票", "to be invoiced";
    StatusCompleted => "已完成", "completed";
    StatusCancelled => "已取消", "cancelled";

    // Order actions.
    ActionSubmit => "提交", "submit";
    ActionPay => "支付到账", "payment received";
    ActionChooseBankTransfer => "选择银行转账", "choose bank transfer";
    ActionUploadVoucher => "上传转账凭证", "upload transfer voucher";
    ActionApprove => "审核通过", "approve";
    ActionReject => "驳回", "return for correction";
    ActionResubmit => "重新提交", "resubmit";
    ActionShip => "邮寄", "mark shipped";
    ActionIssueInvoice => "开具发票", "issue invoice";
    ActionDeclineInvoice => "不开发票", "no invoice wanted";
    ActionCancel => "取消订单", "cancel order";
    ActionNote => "备注", "note";
    ActionAttach => "上传附件", "attachment uploaded";
    ActionPrint => "打印申请表", "printed the application form";
    ActionReveal => "查看完整个人信息", "revealed personal data";

    // Roles.
    RoleClerk => "柜台受理", "clerk";
    RoleSupport => "客服", "support";
    RoleReviewer => "审核", "reviewer";
    RoleMailroom => "邮寄", "mailroom";
    RoleFinance => "开票", "finance";
    RoleAdmin => "管理员", "admin";

    // User types.
    UserTypeIndividual => "个人", "individual";
    UserTypeOrganization => "机构", "organisation";

    // Validation of values a person typed.
    ErrRequired => "必填", "required";
    ErrTooLong => "不能超过 {0} 个字", "must be at most {0} characters";
    ErrIdNumberLength => "身份证号应为 18 位，现在是 {0} 位", "an ID number has 18 characters; this one has {0}";
    ErrIdNumberDigits => "身份证号前 17 位必须是数字", "the first 17 characters of an ID number must be digits";
    ErrIdNumberLast => "身份证号最后一位必须是数字或 X", "the last character of an ID number must be a digit or X";
    ErrIdNumberRegion => "身份证号开头的地区码 {0} 不存在", "the region code {0} at the start of the ID number does not exist";
    ErrIdNumberBirthDate => "身份证号中的出生日期 {0} 不是真实日期", "the birth date {0} in the ID number is not a real date";
    ErrIdNumberCheck => "身份证号校验位不对（按前 17 位应为 {0}），请核对是否输错", "the ID number's check character is wrong (the first 17 give {0}); please check for a typo";
    ErrUsccLength => "统一社会信用代码应为 18 位，现在是 {0} 位", "a unified social credit code has 18 characters; this one has {0}";
    ErrUsccChar => "统一社会信用代码第 {0} 位“{1}”不是合法字符（不使用 I、O、S、V、Z）", "character {0} (\"{1}\") is not allowed in a unified social credit code (I, O, S, V and Z are never used)";
    ErrUsccCheck => "统一社会信用代码校验位不对（应为 {0}），请核对是否输错", "the credit code's check character is wrong (should be {0}); please check for a typo";
    ErrPhone => "手机号应为 11 位、以 1 开头的中国大陆手机号码", "a mobile number is 11 digits starting with 1 (mainland China)";
    ErrPostalCode => "邮政编码应为 6 位数字", "a postal code is 6 digits";
    ErrEmail => "邮箱地址格式不对（例如 name@example.com）", "not an email address (like name@example.com)";
    ErrMoney => "金额格式不对（例如 300 或 300.00）", "not an amount (like 300 or 300.00)";
    ErrOrderNo => "订单号格式不对（例如 HN20261128000001）", "not an order number (like HN20261128000001)";
    ErrReasonRequired => "请填写原因", "a reason is required";
    ErrOneOf => "只能是以下之一：{0}", "must be one of: {0}";
    ErrUnknownField => "不认识的字段", "unknown field";
    ErrInvalidValue => "值不对：{0}", "invalid value: {0}";

    // API problems (title, then detail).
    ProblemValidationTitle => "输入有误", "Invalid input";
    ProblemValidationDetail => "有 {0} 处输入需要修改", "{0} field(s) need correcting";
    ProblemUnauthorizedTitle => "未登录", "Not authenticated";
    ProblemUnauthorizedDetail => "缺少或无效的访问令牌（Authorization: Bearer …）", "missing or invalid access token (Authorization: Bearer …)";
    ProblemForbiddenTitle => "无权操作", "Not allowed";
    ProblemForbiddenDetail => "角色 {0} 不能执行此操作", "role(s) {0} may not do this";
    ProblemSelfReviewTitle => "不能审核自己提交的订单", "Cannot review your own order";
    ProblemSelfReviewDetail => "订单 {0} 是你提交的，须由其他审核员审核", "you submitted order {0}; another reviewer must review it";
    ProblemProviderOnlyDetail => "“{0}”只能由支付渠道确认，不能手工执行", "\"{0}\" is confirmed by the payment provider and cannot be done by hand";
    ProblemNotFoundTitle => "找不到", "Not found";
    ProblemOrderNotFound => "没有订单 {0}", "there is no order {0}";
    ProblemCustomerNotFound => "没有这个客户", "there is no such customer";
    ProblemProductNotFound => "没有这个产品", "there is no such product";
    ProblemAttachmentNotFound => "没有这个附件", "there is no such attachment";
    ProblemUnknownAction => "没有操作“{0}”", "there is no action \"{0}\"";
    ProblemRouteNotFound => "没有这个接口", "no such endpoint";
    ProblemConflictTitle => "订单已被改动", "Order changed";
    ProblemInvalidTransition => "订单 {0} 当前是“{1}”，不能“{2}”", "order {0} is {1}; it cannot be \"{2}\"";
    ProblemVersionConflict => "订单 {0} 已被他人改动（现为第 {1} 版，“{2}”），请刷新后再试", "order {0} was changed by someone else (now version {1}, {2}); refresh and try again";
    ProblemCustomerExists => "手机号 {0} 已有客户", "a customer with phone {0} already exists";
    ProblemIdempotencyMissing => "创建订单需要 Idempotency-Key 请求头", "creating an order needs an Idempotency-Key header";
    ProblemIdempotencyMismatch => "这个 Idempotency-Key 已用于另一份不同的请求", "this Idempotency-Key was already used for a different request";
    ProblemTooLargeTitle => "文件太大", "File too large";
    ProblemTooLargeDetail => "上传不能超过 {0}", "uploads may not exceed {0}";
    ProblemUnsupportedTypeTitle => "文件类型不支持", "Unsupported file type";
    ProblemUnsupportedTypeDetail => "只接受 JPEG、PNG 或 PDF（按文件内容判断，不看扩展名）", "only JPEG, PNG or PDF are accepted (judged by content, not by name)";
    ProblemBadRequestTitle => "请求格式不对", "Malformed request";
    ProblemInternalTitle => "服务器出错", "Server error";
    ProblemInternalDetail => "服务器内部出错，已记录（请求号 {0}）", "the server failed; it has been logged (request {0})";
    ProblemUnavailableTitle => "服务暂不可用", "Service unavailable";
    ProblemUnavailableDetail => "数据库忙或不可用，请稍后重试", "the database is busy or unavailable; try again shortly";
    ProblemPreconditionRequired => "需要提供订单版本（请求体 version 或 If-Match 请求头）", "the order version is required (body \"version\" or an If-Match header)";
    ProblemRealnameNotFound => "没有这个实名认证", "there is no such verification";
    ProblemCustomerVerified => "客户已完成实名认证，姓名以认证结果为准，不能再改", "the customer is verified; the verified name stands and cannot be changed";
    RealnameIdInvalid => "身份证号不正确", "the ID number is not valid";
    RealnameNameMismatch => "姓名与柜台登记的不一致", "the name differs from the one registered at the counter";
    RealnameUnavailable => "认证服务暂时不可用", "the verification service is unavailable";
    SystemAutoClose => "系统自动关闭", "closed by the platform";
    AutoCloseReason => "超过 {0} 小时未支付，订单自动关闭", "unpaid for more than {0} hours; closed automatically";
    ProblemClaimedByOther => "订单 {0} 正由 {1} 审核（领取至 {2}）", "order {0} is being reviewed by {1} (claimed until {2})";
    ProblemPdfNoPreview => "PDF 文件（{0} 页）无法在终端中显示：请保存后在本机打开", "a PDF ({0} pages) cannot be shown in the terminal: save it and open it locally";
    ProblemUnreadableImage => "图片无法读取（文件可能已损坏）", "the image cannot be read (the file may be damaged)";
    ProblemNotReturned => "订单 {0} 没有被退回补正", "order {0} was not returned for correction";
    ProblemNotInReview => "订单 {0} 不在待审核（现在是“{1}”）", "order {0} is not awaiting review (it is \"{1}\" now)";
    ProblemClaimRequired => "请先领取订单 {0} 再审核（在审核队列中打开即领取）", "claim order {0} before deciding it (opening it in the review queue claims it)";
    ProblemPaymentInProgress => "正在生成这个订单的收款码，请稍候再试", "this order's payment code is being made; try again in a moment";
    ProblemNoQrPayment => "没有配置扫码支付（[platform] payment_provider），请用银行转账", "QR payment is not set up ([platform] payment_provider); use bank transfer";
    ProblemProviderUnavailable => "支付渠道暂时不可用：{0}", "the payment provider is unavailable: {0}";
    ProblemOrderCancelled => "订单 {0} 已取消，不能再上传附件", "order {0} is cancelled; nothing more can be attached";
    ProblemTooMany => "最多 {0} 个", "at most {0}";
    ProblemPaymentClosed =>
 "这笔支付已关闭或已完成", "this payment is closed or already finished";

    // Short status labels for table columns (≤ 10 columns).
    StatusShortPendingPayment => "待支付", "unpaid";
    StatusShortPendingVoucher => "待上传凭证", "voucher";
    StatusShortPendingReview => "待审核", "in review";
    StatusShortRejected => "已驳回", "returned";
    StatusShortPendingShipment => "待邮寄", "to mail";
    StatusShortPendingInvoice => "待开票", "to invoice";
    StatusShortCompleted => "已完成", "completed";
    StatusShortCancelled => "已取消", "cancelled";

    // TUI: tabs.
    TabNew => "新申请", "New";
    TabPending => "待办订单", "Orders";
    TabReview => "审核队列", "Review";
    TabMail => "邮寄", "Mail";
    TabInvoice => "开票", "Invoice";
    TabNotForRole => "你的角色（{0}）不能使用“{1}”", "your role ({0}) cannot use \"{1}\"";
    AboutNew => "柜台受理新申请：按手机号找到或新建客户，屏幕上显示实名认证二维码，选择项目和产品，填写申请表，打印签字，上传签字扫描件，提交后收款。", "Walk-in applications: find or create the customer by mobile number, show the real-name QR code, pick project and product, fill in the form, print it for signing, upload the signed scan, submit, take payment.";
    AboutPending => "所有订单：按状态筛选，按订单号、手机号、姓名或身份证号查找，打开订单查看并处理。", "Every order: filter by status, find by order number, phone, name or ID number, open one to see and act on it.";
    AboutReview => "审核队列：领取已支付的订单，核对申请表扫描件和转账凭证，通过或列明原因驳回。", "Review queue: claim paid orders, check the signed form scan and the voucher, approve or return them with reasons.";
    AboutMail => "邮寄：为审核通过的订单登记快递公司和运单号（可连续扫码），打印邮寄清单。", "Mailing: record carrier and tracking number for approved orders (scan after scan), print mailing lists.";
    AboutInvoice => "开票：为已邮寄的订单开具电子发票（普票/专票），或登记客户不需要发票。", "Invoicing: issue e-invoices for mailed orders (ordinary or special VAT), or record that none is wanted.";
    WaitingCount => "“{0}”的订单现有 {1} 单", "{1} order(s) are {0} now";
    ComingSoon => "这个页面的完整功能在后续版本提供；现在可在“待办订单”中打开订单处理。", "This screen's full tools come in a later release; for now open orders from \"Orders\" to act on them.";

    // TUI: commands (help) and their short footer labels.
    CmdGoTab => "切换到“{0}”", "go to \"{0}\"";
    CmdNextTab => "下一个标签页", "next tab";
    CmdPrevTab => "上一个标签页", "previous tab";
    CmdUp => "上移", "up";
    CmdDown => "下移", "down";
    CmdPageUp => "上一页", "page up";
    CmdPageDown => "下一页", "page down";
    CmdTop => "到第一条", "first row";
    CmdBottom => "到最后一条", "last row";
    CmdOpen => "打开订单", "open order";
    CmdBack => "返回列表", "back to the list";
    CmdSearch => "查找（订单号、手机号、姓名、身份证号）", "search (order number, phone, name, ID number)";
    CmdClearSearch => "清除查找和筛选", "clear search and filter";
    CmdCommandLine => "命令行（:order 订单号、:phone 手机号、:theme、:lang、:q）", "command line (:order NO, :phone NUMBER, :theme, :lang, :q)";
    CmdHelp => "帮助", "help";
    CmdFilterAll => "显示全部状态", "show every status";
    CmdFilterStatus => "只看“{0}”", "only \"{0}\"";
    CmdSort => "切换排序（最新/最早在前）", "sort newest / oldest first";
    CmdRefresh => "全部刷新", "refresh everything";
    CmdReveal => "显示完整个人信息（会记录）", "show personal data in full (audited)";
    CmdNote => "添加备注", "add a note";
    CmdLang => "切换语言（中文/English）", "switch language (中文/English)";
    CmdQuit => "退出", "quit";
    CmdLangUsage => "用法：:lang zh-CN 或 :lang en", "usage: :lang en or :lang zh-CN";
    CmdUnknown => "不认识的命令“{0}”；可用：:order 订单号、:phone 手机号、:theme 名称、:lang en|zh-CN、:q", "unknown command \"{0}\"; try :order NO, :phone NUMBER, :theme NAME, :lang en|zh-CN, :q";
    ThemeChanged => "已换成主题 {0}", "theme {0}";
    HintTabs => "切换", "tabs";
    HintMove => "移动", "move";
    HintSearch => "查找", "search";
    HintFilter => "筛选", "filter";
    HintHelp => "帮助", "help";
    HintCommand => "命令", "command";
    HintOpen => "打开", "open";
    HintBack => "返回", "back";
    HintSort => "排序", "sort";
    HintQuit => "退出", "quit";
    HintReveal => "显示", "reveal";
    HintNote => "备注", "note";

    // TUI: the 新申请 tab.
    CmdPrevStep => "上一步", "previous step";
    CmdNewDraft => "新建草稿（接待下一位客户）", "new draft (next customer)";
    CmdNextDraft => "切换到下一个草稿", "next draft";
    CmdDiscardDraft => "丢弃当前草稿（按两次）", "discard this draft (press twice)";
    CmdPrintForm => "打印申请表", "print the application form";
    CmdFreshCode => "生成新的实名二维码", "issue a fresh real-name code";
    CmdEnlarge => "放大二维码（全屏）", "enlarge the QR code (full screen)";
    CmdEditName => "修改登记的姓名", "correct the registered name";
    CmdAcceptTerms => "客户同意条款，继续", "the customer accepts the terms; go on";
    CmdToggleUserType => "切换个人/机构", "switch individual / organisation";
    CmdReceipt => "打印受理回执", "print the acceptance receipt";
    CmdOpenSubmitted => "打开订单（收款等后续操作）", "open the order (payment and what follows)";
    CmdBlankForm => "下一位客户（空白表单）", "next customer (blank form)";
    CmdPayQr => "支付宝扫码收款", "take payment by Alipay QR code";
    CmdBankTransfer => "客户用银行转账", "the customer pays by bank transfer";
    CmdCollectPayment => "收款（扫码或银行转账）", "take payment (QR code or bank transfer)";
    ActionPrintNotice => "打印告知书", "print the notice";
    ActionCollect => "收款", "take payment";
    KindApplicationForm => "申请表", "application form";
    KindSignedForm => "签字申请表", "signed form";
    KindVoucher => "转账凭证", "transfer voucher";
    KindCorrection => "补正材料", "correction";
    KindOther => "其他附件", "other";
    PayMethodBank => "银行转账", "bank transfer";
    PayMethodAlipay => "支付宝", "Alipay";
    PayMethodSandbox => "演示收银台", "demo cashier";
    ActionClaim => "领取审核", "claimed for review";
    ActionRelease => "释放审核（他人领取）", "freed a review claim";
    ActionTakeover => "接手审核", "took the review over";
    ColWaited => "等待（工时）", "Waited (h)";
    ColReviewer => "审核人", "Reviewer";
    ColMarks => "标记", "Marks";
    QueueSummary => "待审核 {0} 单 · 已超时 {1} · 将超时 {2} · 承诺付款后 {3} 个工作日内寄出", "{0} awaiting review · {1} overdue · {2} due soon · promise: mailed within {3} working days of payment";
    ReasonSignatureMissing => "申请表缺少签字", "the form is not signed";
    ReasonStampMissing => "缺少单位公章", "the organisation's stamp is missing";
    ReasonFormUnreadable => "申请表扫描件不清晰", "the form's scan cannot be read";
    ReasonDataMismatch => "信息与实名认证结果不一致", "the data does not match the identity check";
    ReasonVoucherAmount => "转账凭证金额不符", "the voucher's amount is wrong";
    ReasonVoucherUnreadable => "转账凭证不清晰", "the voucher cannot be read";
    ReasonOther => "其他（请填写）", "other (write it)";
    ReturnOtherNeeded => "请写明“其他”原因", "write what the other reason is";
    ReturnPickOne => "请至少选择一项原因", "pick at least one reason";
    ReturnTitle => "退回补正：选择全部原因（空格勾选，Enter 退回，Esc 取消）", "Return for correction: tick every reason (Space ticks, Enter returns, Esc cancels)";
    ApproveTitle => "审核通过订单 {0}？（Enter 确认，Esc 取消）", "Approve order {0}? (Enter confirms, Esc cancels)";
    SaveTitle => "保存附件到（Tab 补全，Enter 保存，Esc 取消）", "Save the attachment to (Tab completes, Enter saves, Esc cancels)";
    AttachmentSaved => "已保存到 {0}", "saved to {0}";
    NothingMoreToReview => "队列中没有其他可领取的订单", "nothing else in the queue to take";
    ClaimTakenBy => "已由 {0} 接手审核", "{0} has taken this review over";
    ReviewApproved => "订单 {0} 已审核通过。", "order {0} approved.";
    ReviewReturned => "订单 {0} 已退回补正（客户将收到短信）。", "order {0} returned for correction (the customer is sent an SMS).";
    ReviewHeld => "你正在审核（领取至 {0}）", "you are reviewing it (claimed until {0})";
    ReviewClaiming => "正在领取…", "claiming…";
    ReviewWatching => "只读查看", "read-only";
    QueueEmpty => "没有待审核的订单。", "nothing waiting for review.";
    QueueHeader => "订单号           客户      项目          等待(工时)  状态", "Order            Customer  Project       Waited(h)   State";
    DeadlineSoon => "将超时", "soon";
    DeadlineOverdue => "已超时", "overdue";
    Resubmitted => "补正件", "fixed";
    OwnOrder => "本人受理", "own";
    SectionApplicant => "申请信息", "Application";
    SectionRealname => "实名认证", "Identity check";
    SectionPayment => "付款", "Payment";
    RealnameMatches => "与申请一致", "matches the application";
    RealnameDiffers => "与申请不一致！", "does not match the application!";
    RealnameNone => "无实名认证记录", "no identity check on record";
    PreviousReturn => "上次退回：{0}", "returned before: {0}";
    NoAttachmentsToReview => "没有附件", "no attachments";
    PictureLoading => "正在加载图片…", "loading the picture…";
    AttachmentOf => "附件 {0}/{1}：{2}", "attachment {0}/{1}: {2}";
    ZoomLevel => "放大 {0}×", "zoom {0}×";
    PaymentTrade => "交易号", "trade no.";
    CmdPrintNotice => "打印补正一次性告知书", "print the one-time correction notice";
    CmdReviewOpen => "打开并领取审核", "open and claim for review";
    CmdReviewBack => "返回队列（释放领取）", "back to the queue (gives the claim up)";
    CmdReviewApprove => "审核通过", "approve";
    CmdReviewReturn => "退回补正", "return for correction";
    CmdReviewNext => "下一单", "next order";
    CmdNextAttachment => "下一个附件", "next attachment";
    CmdPrevAttachment => "上一个附件", "previous attachment";
    CmdZoomIn => "放大", "zoom in";
    CmdZoomOut => "缩小", "zoom out";
    CmdZoomFit => "整图", "whole picture";
    CmdPan => "移动图片", "move the picture";
    CmdTakeOver => "接手审核（管理员，记入历史）", "take the review over (administrators; recorded)";
    ReasonTooLong => "原因最多 {0} 个字", "a reason is at most {0} characters";
    CmdSaveAttachment => "保存附件", "save the attachment";
    CmdUploadVoucher => "上传转账凭证", "upload the transfer voucher";
    HintPrevStep => "上一步", "back";
    HintNewDraft => "新草稿", "new draft";
    HintNextDraft => "切换草稿", "next draft";
    HintDiscard => "丢弃", "discard";
    HintPrint => "打印", "print";
    StepCustomer => "客户", "Customer";
    StepRealname => "实名", "ID check";
    StepProject => "项目", "Project";
    StepTerms => "条款", "Terms";
    StepForm => "填表", "Form";
    StepScan => "签字扫描", "Scan";
    StepSubmit => "提交", "Submit";
    Working => " 正在处理…", " working…";
    DraftsLabel => "草稿：", "drafts:";
    ReferenceLabel => "申请编号", "reference";
    DiscardConfirm => "再按一次 Ctrl-D 丢弃此草稿", "press Ctrl-D again to discard this draft";
    CustomerIntro => "输入客户的手机号，按 Enter 查找；新客户会请你再输入姓名。", "Type the customer's mobile number and press Enter; for a new customer you are asked for the name.";
    FieldCustomerPhone => "客户手机号", "Mobile number";
    FieldCustomerName => "客户姓名", "Customer name";
    CustomerNewHint => "新客户：输入姓名（与身份证一致）后按 Enter；↑ 回到手机号。", "New customer: type the name (as on the ID card) and press Enter; ↑ goes back to the number.";
    CustomerOrders => "已有 {0} 单", "{0} earlier order(s)";
    CustomerNew => "新客户", "new customer";
    Verified => "已实名 ✓", "verified ✓";
    PressEnterContinue => "按 Enter 继续", "press Enter to go on";
    RealnameStep1 => "1. 请客户用手机扫描右侧二维码", "1. The customer scans the code on the right";
    RealnameStep2 => "2. 在手机上填写姓名、身份证号并勾选同意", "2. types name and ID number on the phone, ticks consent";
    RealnameStep3 => "3. 认证成功后这里会自动显示 ✓", "3. this screen shows ✓ by itself when done";
    TimeLeft => "剩余时间", "time left";
    TriesUsed => "已尝试 {0}/{1} 次", "tries {0}/{1}";
    LastTryFailed => "上次失败：{0}", "last try failed: {0}";
    RealnameLockedHint => "错误次数过多，二维码已锁定：按 r 生成新的二维码（必要时按 e 修改姓名）。", "Too many failed tries; the code is locked: press r for a fresh code (e to correct the name).";
    RealnameSupersededHint => "这个二维码已被新的替换：按 r 生成新的二维码。", "This code was replaced: press r for a fresh one.";
    RealnameExpiredHint => "二维码已过期：按 r 生成新的二维码。", "The code has expired: press r for a fresh one.";
    NameMismatchHint => "若柜台登记的姓名有误，按 e 修改（会生成新二维码）", "if the registered name is wrong, press e to correct it (a fresh code follows)";
    RenameHint => "Enter 保存并生成新二维码 · Esc 取消", "Enter saves and issues a fresh code · Esc cancels";
    LoopbackWarning => "⚠ 手机无法访问这个地址（本机回环）。请在配置 [platform] 中设 listen = \"0.0.0.0:8080\" 和 public_base_url = \"http://{0}:8080\"。", "⚠ A phone cannot reach this address (loopback). In the config set [platform] listen = \"0.0.0.0:8080\" and public_base_url = \"http://{0}:8080\".";
    EnlargeToSee => "窗口太小放不下二维码：按 z 全屏显示，或把下面的地址发给客户", "no room for the code: press z for full screen, or send the customer this address";
    EnlargedHint => "z 或 Esc 返回", "z or Esc to go back";
    FieldProjectSearch => "查找项目", "Find project";
    NoProjects => "没有匹配的项目（可输入名称或拼音首字母，如 xt）", "no matching project (type a name or pinyin initials, e.g. xt)";
    PickProduct => "选择产品：↑↓ 选择，Enter 确定，← 返回项目", "pick a product: ↑↓, Enter; ← back to projects";
    ProductsOf => "产品（Enter 或 → 选择）：", "products (Enter or → to choose):";
    ToggleUserTypeHint => "（t 切换个人/机构）", "(t switches individual / organisation)";
    TermsTitle => "数字证书申请条款（{0}）", "Terms of application ({0})";
    AcceptHint => "请客户阅读（↑↓ 翻看）；客户同意后按 a 继续。", "Let the customer read (↑↓ to scroll); press a once they accept.";
    FromRealname => "（实名认证结果）", "(from the identity check)";
    PrinterIs => "打印机 {0}", "printer {0}";
    NoPrinter => "未配置打印机：保存为 PDF", "no printer configured: saved as PDF";
    ScanStep1 => "1. 按 Ctrl-P 打印申请表，请客户签字（机构加盖公章）", "1. Press Ctrl-P to print the form; the customer signs it (organisations stamp it)";
    ScanStep2 => "2. 扫描签字后的申请表，输入扫描件路径（Tab 补全），按 Enter 检查", "2. Scan the signed form, type the scan's path (Tab completes), press Enter to check it";
    ScanStep3 => "3. 按 Enter 继续", "3. Press Enter to go on";
    FieldScanPath => "签字扫描件", "Signed scan";
    ScanCheckHint => "接受 JPEG、PNG、PDF（按内容判断）。", "JPEG, PNG or PDF (judged by content).";
    SubmitHint => "核对无误后按 Enter 提交（重复按或断网重试都不会重复下单）。", "Check, then press Enter to submit (pressing twice or retrying after a network error never makes two orders).";
    SubmittedOrder => "已提交：订单 {0}", "submitted: order {0}";
    DoneHint => "r 打印受理回执 · o 打开订单 · n 下一位客户", "r print the receipt · o open the order · n next customer";
    PayChoose => "请客户选择付款方式：", "How does the customer pay?";
    PayChooseQr => "p  支付宝扫码（推荐，到账即转审核）", "p  Alipay QR code (recommended; goes to review once paid)";
    PayChooseTransfer => "b  银行转账（转账后上传凭证）", "b  bank transfer (then upload the voucher)";
    PayNoQr => "（本平台未开通扫码支付）", "(QR payment is not set up on this platform)";
    LanAddressPlaceholder => "<本机局域网 IP>", "<this machine's LAN address>";
    PayQrExpired => "上次的收款码已过期：按 p 重新生成。", "the last payment code has expired: press p for a new one.";
    PayQrTitle => "请客户用支付宝扫右侧二维码付款：", "The customer scans the code on the right with Alipay:";
    PayQrStep1 => "1. 打开支付宝“扫一扫”", "1. Open Alipay and tap Scan";
    PayQrStep2 => "2. 核对金额 {0} 后付款", "2. Check the amount {0}, then pay";
    PayQrStep3 => "3. 付款成功后本屏自动更新，无需按键", "3. This screen updates by itself once paid";
    PayQrHint => "z 全屏放大 · Esc 换一种付款方式", "z full screen · Esc pay another way";
    TransferTitle => "请客户按以下信息转账：", "The customer transfers to:";
    TransferAmount => "转账金额", "Amount";
    TransferNoAccount => "未取得收款账户（平台未配置或连接中断）。", "the bank account is unavailable (not configured, or the link is down).";
    TransferPrintHint => "Ctrl-P 打印转账说明交给客户", "Ctrl-P prints these details for the customer";
    TransferVoucherHint => "u 上传转账凭证；客户稍后再来的，在待办订单中打开此单按 p 上传。", "u uploads the voucher; if the customer comes back later, open the order in Orders and press p.";
    FieldVoucherPath => "转账凭证", "Voucher";
    VoucherPathNeeded => "请输入转账凭证文件的路径", "type the path of the voucher file";
    VoucherPathHint => "JPEG、PNG 或 PDF（按内容判断）。输入路径按 Enter 上传，Tab 补全，Esc 取消。", "JPEG, PNG or PDF (judged by content). Type the path and press Enter; Tab completes, Esc cancels.";
    PaidReview => "付款已登记（{0}），订单进入待审核。", "payment recorded ({0}): the order goes to review.";
    SettledOther => "订单已是“{0}”，无需收款。", "the order is now \"{0}\": nothing to collect.";
    NewIdentityMissing => "还没有实名认证结果：请回到第 2 步完成实名认证。", "no identity check yet: go back to step 2.";
    NewScanNeeded => "请输入签字扫描件的路径", "type the path of the signed scan";
    NewCustomerNew => "没有这个手机号的客户：请输入姓名新建客户。", "no customer with this number: type a name to create one.";
    NewPrinted => "已送打印机 {0}（文件保存在 {1}）", "sent to printer {0} (file kept at {1})";
    NewSaved => "已保存：{0}", "saved: {0}";
    NewPrintFailed => "打印失败：{0}", "printing failed: {0}";
    NewSubmittedNoScan => "订单 {0} 已创建，但扫描件未上传：{1}。修正后再按 Enter（不会重复下单）。", "order {0} exists but the scan was not uploaded: {1}. Fix it and press Enter again (no second order).";
    NewScanEmpty => "{0} 是空文件", "{0} is empty";
    NewScanTooLarge => "文件太大：{0}，上限 {1}", "file too large: {0}, the limit is {1}";
    FileUnwritable => "无法保存 {0}（{1}）", "cannot save {0} ({1})";
    FormName => "姓名", "Name";
    FormIdNumber => "身份证号", "ID number";
    FormPhone => "手机", "Mobile";
    FormEmail => "邮箱（可不填）", "Email (optional)";
    FormOrgName => "机构名称", "Organisation";
    FormUscc => "统一社会信用代码", "Credit code";
    FormLegalRep => "法定代表人", "Legal rep.";
    FormHandlerName => "经办人姓名", "Handler";
    FormHandlerId => "经办人身份证号", "Handler ID";
    FormContactPhone => "联系手机", "Contact mobile";
    FormRecipient => "收件人", "Recipient";
    FormRecipientPhone => "收件人手机", "Recipient mobile";
    FormProvince => "省", "Province";
    FormCity => "市", "City";
    FormDistrict => "区/县", "District";
    FormStreet => "详细地址", "Street address";
    FormPostalCode => "邮政编码", "Postal code";

    // TUI: status line.
    EmbeddedPlatform => "内置平台", "embedded platform";
    ConnConnecting => "连接中", "connecting";
    ConnOnline => "在线", "online";
    ConnReconnecting => "重连中（第 {0} 次）", "reconnecting (attempt {0})";
    ConnOffline => "离线", "offline";
    LastEvent => "最近更新 {0}", "updated {0}";
    NoEventsYet => "暂无更新", "no updates yet";
    TooSmall => "终端太小：需要至少 80×24，现在是 {0}×{1}。请放大窗口。", "Terminal too small: need at least 80×24, this is {0}×{1}. Please enlarge the window.";

    // TUI: order list.
    Loading => "加载中…", "loading…";
    NoOrders => "还没有订单", "no orders yet";
    NoMatchingOrders => "没有符合条件的订单（Esc 清除查找和筛选）", "no orders match (Esc clears search and filter)";
    ColOrderNo => "订单号", "Order";
    ColCustomer => "客户", "Customer";
    ColPhone => "手机", "Phone";
    ColProject => "项目", "Project";
    ColStatus => "状态", "Status";
    ColAmount => "金额", "Amount";
    ColUpdated => "更新", "Changed";
    AllStatuses => "全部", "all";
    FilterLabel => "状态", "status";
    SortLabel => "排序", "sort";
    SortNewest => "最新在前", "newest first";
    SortOldest => "最早在前", "oldest first";
    SearchLabel => "查找", "search";
    SearchPrompt => "查找", "search";
    Shown => "已载入 {0} 单", "{0} loaded";
    MoreBelow => "（向下滚动载入更多）", "(scroll for more)";
    TimeJustNow => "刚刚", "just now";
    TimeMinutesAgo => "{0} 分钟前", "{0} min ago";
    TimeHoursAgo => "{0} 小时前", "{0} h ago";
    TimeDaysAgo => "{0} 天前", "{0} d ago";

    // TUI: order detail.
    OrderTitle => "订单", "Order";
    FieldStatus => "状态", "Status";
    FieldAmount => "金额", "Amount";
    FieldUserType => "类型", "Type";
    FieldProject => "项目", "Project";
    FieldApplicant => "申请人", "Applicant";
    FieldIdNumber => "身份证号", "ID number";
    FieldPhone => "手机", "Phone";
    FieldEmail => "邮箱", "Email";
    FieldOrganization => "机构", "Organisation";
    FieldUscc => "统一社会信用代码", "Credit code";
    FieldLegalRep => "法定代表人", "Legal rep.";
    FieldMailing => "邮寄", "Mail to";
    FieldPayment => "支付", "Payment";
    FieldShipment => "物流", "Shipment";
    FieldInvoice => "发票", "Invoice";
    FieldSubmittedBy => "受理", "Submitted";
    FieldNote => "备注", "Note";
    FieldRejection => "驳回原因", "Returned for";
    FieldReason => "原因", "Reason";
    FieldOptionalNote => "备注（可不填）", "Note (optional)";
    FieldReasons => "驳回原因（多条用；分隔）", "Reasons (separate with ;)";
    FieldFilePath => "文件路径（JPEG、PNG 或 PDF）", "File path (JPEG, PNG or PDF)";
    FieldCarrier => "快递公司", "Carrier";
    FieldTrackingNo => "运单号", "Tracking number";
    FieldInvoiceNo => "发票号码", "Invoice number";
    MaskedHint => "个人信息已部分隐藏；按 R 显示完整信息（会记录在案）", "Personal data is masked; press R to show it in full (audited)";
    RevealedHint => "正在显示完整个人信息（已记录）", "Showing personal data in full (audited)";
    SectionActions => "可执行操作", "What you can do";
    NoActions => "当前没有你可执行的操作", "nothing you can do on this order now";
    SectionTimeline => "状态记录", "Timeline";
    SectionAttachments => "附件", "Attachments";
    NoAttachments => "没有附件", "no attachments";

    // TUI: popups.
    HelpTitle => "帮助", "Help";
    HelpFind => "查找：", "find:";
    HelpNoMatch => "没有匹配的操作", "no matching command";
    HelpHint => "输入以查找 · ↑↓ 选择 · Enter 执行 · Esc 关闭", "type to find · ↑↓ select · Enter run · Esc close";
    ConfirmAction => "确定要对订单 {1} “{0}”吗？", "{0} order {1}?";
    ConfirmHint => "Enter 或 y 确定 · Esc 取消", "Enter or y to confirm · Esc to cancel";
    FormHint => "Tab/↓ 下一栏（路径栏 Tab 补全）· Enter 提交 · Esc 取消", "Tab/↓ next field (Tab completes paths) · Enter submit · Esc cancel";
    FormSubmitting => "正在提交…", "submitting…";
    ActionDone => "已{0}：{1}", "{0}: {1} done";
    NoteAdded => "添加备注", "note added";
    FileNotFound => "找不到文件 {0}（可按 Tab 补全路径）", "no file {0} (Tab completes paths)";
    FilePermission => "没有权限读取 {0}", "no permission to read {0}";
    FileIsDirectory => "{0} 是文件夹，请选到具体文件（Tab 补全）", "{0} is a folder; pick a file in it (Tab completes)";
    FileUnreadable => "无法读取 {0}", "cannot read {0}";
    ErrOfflineKept => "连不上平台；已填写的内容保留，连上后再提交", "cannot reach the platform; what you typed is kept, submit again once it is back";
    ErrUnexpected => "平台的回答无法理解（HTTP {0}），请看日志", "the platform's answer made no sense (HTTP {0}); see the log";

    // Printed documents (always Chinese: they are the CA's forms).
    DocFormTitleIndividual => "数字证书申请表（个人）", "Digital certificate application (individual)";
    DocFormTitleOrganization => "数字证书申请表（机构）", "Digital certificate application (organisation)";
    DocReference => "申请编号 {0}", "reference {0}";
    DocReferenceLabel => "申请编号", "Reference";
    DocOrderNo => "订单号 {0}", "order {0}";
    DocOrderLabel => "订单号", "Order";
    DocDate => "打印日期 {0}", "printed {0}";
    DocProject => "项目", "Project";
    DocProduct => "证书产品", "Product";
    DocProductValue => "{0} · 有效期 {1} 年 · {2}", "{0} · valid {1} year(s) · {2}";
    DocApplicantName => "申请人", "Applicant";
    DocOrgName => "机构名称", "Organisation";
    DocHandler => "经办人", "Handler";
    DocAddress => "邮寄地址", "Mailing address";
    DocRecipient => "收件人", "Recipient";
    DocPostalCode => "邮政编码", "Postal code";
    DocDeclaration => "申请人声明：以上信息真实、准确、完整；本人已阅读并同意{0}《数字证书申请条款》，知悉证书及其载体须妥善保管、不得转借。", "Declaration: the details above are true, accurate and complete; I have read and agree to the {0} terms of application and will keep the certificate and its carrier safe.";
    DocSignatureIndividual => "申请人签字：", "Applicant's signature:";
    DocSignatureOrganization => "经办人签字并加盖机构公章：", "Handler's signature and the organisation's seal:";
    DocDateBlank => "日期：          年       月       日", "Date:";
    DocFooter => "受理人：{0}    服务热线：{1}", "Clerk: {0}    Hotline: {1}";
    DocReceiptTitle => "数字证书申请受理回执", "Acknowledgement of application";
    DocAccepted => "受理时间", "Accepted";
    DocClerk => "受理人", "Clerk";
    DocReceiptNote1 => "请保存本回执。凭订单号可在柜台或致电服务热线 {0} 查询办理进度。", "Keep this receipt. Quote the order number at the counter or on the hotline {0} to follow your application.";
    DocReceiptNote2 => "付款后两个工作日内完成审核并寄出证书；材料需补正的，我们会一次性告知。", "After payment the certificate is reviewed and mailed within two working days; if anything needs correcting, you are told everything at once.";
    SmsReturned => "【{0}】您的数字证书申请（订单 {1}）需补正：{2}。请按一次性告知书一次补正后到柜台重新提交，咨询电话 {3}。", "[{0}] Your certificate application (order {1}) needs corrections: {2}. Please correct everything as the notice says and hand it in at the counter; questions: {3}.";
    DocCorrectionTitle => "补正材料一次性告知书", "Notice of corrections needed";
    DocCorrectionIntro => "经审核，您的申请材料需补正以下全部事项：", "On review, your application needs every correction below:";
    DocCorrectionNote1 => "请一次性补正以上全部事项后，到柜台提交更正后的材料，订单将重新进入审核。", "Please correct everything above at once and hand the corrected materials in at the counter; the order then goes back to review.";
    DocReturnedAt => "退回时间", "Returned at";
    DocReviewer => "审核人", "Reviewer";
    DocTransferTitle => "银行转账付款说明", "Paying by bank transfer";
    DocTransferReference => "转账附言", "Reference";
    DocAccountName => "收款户名", "Account name";
    DocBank => "开户银行", "Bank";
    DocAccountNo => "收款账号", "Account number";
    DocTransferNote1 => "转账时请在附言中填写订单号 {0}，以便核对。", "Write the order number {0} as the transfer's reference so it can be matched.";
    DocTransferNote2 => "转账后请将转账凭证（截图或回单）交给柜台，或通过柜台上传，订单随即进入审核。", "After transferring, hand the voucher (screenshot or bank slip) to the counter to be uploaded; the order then goes to review.";
    ProblemNoFont => "无法打印：{0}", "cannot print: {0}";

    // Phone pages.
    PageNotFound => "页面不存在或已过期", "This page does not exist or has expired";
    PagePayTitle => "支付（演示收银台）", "Pay (demo cashier)";
    PagePayButton => "确认支付", "Pay";
    PagePayDone => "支付成功，请回到柜台", "Paid. Please return to the counter";
    PageRealnameTitle => "实名认证", "Identity check";
    PageRealnameIntro => "您正在{0}柜台办理数字证书。请本人填写下面的信息完成实名认证。", "You are applying for a digital certificate at the {0} counter. Please fill in your own details below to confirm your identity.";
    PageRealnameCheckName => "柜台登记的姓名：", "Name registered at the counter:";
    PageRealnameName => "姓名（与身份证一致）", "Full name (as on your ID card)";
    PageRealnameIdNumber => "身份证号", "ID number";
    PageRealnameConsent => "我同意将以上信息用于本次数字证书申请的身份核验", "I agree that these details are used to verify my identity for this certificate application";
    PageRealnameSubmit => "提交认证", "Verify";
    PageRealnameTriesLeft => "还可以尝试 {0} 次", "{0} tries left";
    PageRealnameFillBoth => "请填写姓名和身份证号", "Please fill in your name and ID number";
    PageRealnameNeedConsent => "请勾选同意后再提交", "Please tick the consent box";
    PageRealnameDone => "实名认证成功", "Identity confirmed";
    PageRealnameLocked => "错误次数过多，此二维码已锁定", "Too many failed tries; this code is locked";
    PageRealnameExpired => "二维码已过期", "This code has expired";
    PageRealnameSuperseded => "此二维码已失效（柜台已生成新的二维码）", "This code is no longer valid (the counter issued a new one)";
    PageRealnameBackToCounter => "请回到柜台，由工作人员继续办理。", "Please return to the counter; the clerk will continue.";
    PageOrder => "订单", "Order";
    PageAmount => "金额", "Amount";
    PageProduct => "产品", "Product";
}
