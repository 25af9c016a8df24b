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
    ActionReveal => "查看完整个人信息", "revealed personal data";

    // Roles.
    RoleClerk => "柜台受理", "counter clerk";
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
    ProblemPaymentClosed => "这笔支付已关闭或已完成", "this payment is closed or already finished";

    // Phone pages.
    PageNotFound => "页面不存在或已过期", "This page does not exist or has expired";
    PagePayTitle => "支付（演示收银台）", "Pay (demo cashier)";
    PagePayButton => "确认支付", "Pay";
    PagePayDone => "支付成功，请回到柜台", "Paid. Please return to the counter";
    PageOrder => "订单", "Order";
    PageAmount => "金额", "Amount";
    PageProduct => "产品", "Product";
}
