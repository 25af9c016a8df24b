//! The strings of the customer's own platform (sign-in, applying, my orders) and of the
//! next step an order allows: they join the entries of `table.rs` in the one enum
//! [`super::T`] (`table.rs` hands its entries here, then on to `table_messaging.rs`).

macro_rules! web_texts {
    ($then:ident; $($entries:tt)*) => {
        $then! { texts;
            $($entries)*

            // The one next step of an order (customer pages and the support agent's view).
            NextPay => "请支付", "pay";
            NextUploadVoucher => "转账后上传凭证", "transfer and upload the voucher";
            NextAwaitReview => "等待审核（无需操作）", "being reviewed (nothing to do)";
            NextCorrect => "按告知书补正后重新上传", "correct and upload again";
            NextAwaitShipment => "等待邮寄（无需操作）", "being prepared for mailing (nothing to do)";
            NextRequestInvoice => "已邮寄，可申请发票", "mailed; ask for the invoice";
            NextAwaitInvoice => "已申请发票，等待开具", "invoice asked for, being issued";
            NextDownloadInvoice => "下载发票", "download the invoice";
            NextDone => "已完成", "completed";
            NextCancelled => "已取消", "cancelled";

            // The phone pages QR codes and text messages open.
            WebPhoneNameMissing => "请填写姓名", "Fill in your full name";
            WebPhoneIdMissing => "请填写身份证号", "Fill in your ID number";
            WebPhonePayClosedNext => "本次支付没有生效，没有扣款。请向柜台工作人员或客服电话要一个新的支付码。", "This payment did not go through and nothing was charged. Ask the clerk at the counter or the hotline for a new payment code.";

            // What a support agent sends a caller.
            ProblemNotAwaitingPayment => "订单 {0} 当前为“{1}”，无需支付", "order {0} is {1}: there is nothing to pay";
            SmsPaymentLink => "【{0}】您的数字证书订单 {1} 待支付 {2} 元，请打开 {3} 登录后支付。", "[{0}] Your certificate order {1} awaits payment of ¥{2}: open {3} and sign in to pay.";
            SmsKindPaymentLink => "支付提醒", "payment reminder";
            HistoryPaymentLinkSent => "发送支付链接短信", "texted the payment link";
            CmdSendPaymentLink => "短信发送支付链接", "text the payment link";
            CmdSendLoginCode => "短信发送登录验证码", "text a login code";
            ReminderQueued => "短信已排队发送", "The text is on its way";
            ReminderTooSoon => "一分钟内只能发送一次验证码，请于 {0} 后再试", "One code a minute: try again after {0}";
            ReminderDailyLimit => "该号码今天的验证码已达上限", "This number has had today's codes";
            ReminderLocked => "该号码因多次输错已锁定至 {0}", "This number is locked until {0} after wrong codes";
            PaymentLinkTooSoon => "支付链接刚发过，10 分钟内不再发送，请于 {0} 后再试", "The payment link was just sent: one every 10 minutes, try again after {0}";
            PaymentLinkDailyLimit => "这单今天已发过 3 次支付链接，不再发送", "This order's payment link has been sent 3 times today: no more today";

            // The counter's view of online orders.
            FieldChannel => "渠道", "Channel";
            FieldCustomerNext => "客户下一步", "Customer's next step";
            CmdOnlineOnly => "只看线上提交的订单 / 全部", "only orders submitted online / all";
            OnlineMarkLegend => "线上提交", "submitted online";

            // Every page.
            WebSiteName => "证书在线办理", "certificates online";
            WebSkipToContent => "跳到正文", "Skip to the content";
            WebAccount => "我的账户", "My account";
            WebOtherLanguage => "English", "中文";
            WebDemoTitle => "演示环境：", "Demo:";
            WebDemoShort => "部分功能为演示，不产生真实效力（点此查看）", "some parts are stand-ins with no real effect (open to see which)";
            WebDemoParts => "以下部分为演示替身，不产生真实效力：{0}。", "these parts are stand-ins and have no real effect: {0}.";
            WebHotline => "客服电话 {0}", "Hotline {0}";
            WebSupportQq => "客服QQ {0}", "QQ {0}";
            WebSupportPhone => "电话 {0}", "Telephone {0}";
            WebBackHome => "回到首页", "Back to the start";
            WebBackToPage => "返回上一页", "Back to the page";
            WebTryAgain => "出错了，请稍后再试；如一再出现，请拨打客服电话。", "Something went wrong. Try again in a moment; if it keeps happening, call the hotline.";
            WebErrorSummary => "有 {0} 处需要修改", "Please correct the following ({0})";
            WebLabelled => "{0}：{1}", "{0}: {1}";
            WebWelcomeTitle => "在线办理数字证书", "Apply for a digital certificate online";
            WebWelcomeIntro => "用手机号登录，即可在线实名、填写申请、支付并查看办理进度。在柜台办理的订单也会显示在这里。", "Sign in with your mobile number to verify your identity, apply, pay and follow your orders. Orders made at a counter show here too.";

            // Signing in.
            WebSignInTitle => "手机号登录", "Sign in with your mobile number";
            WebSignInIntro => "我们会向该号码发送 6 位验证码。", "We send a 6-digit code to this number.";
            WebPhoneLabel => "手机号", "Mobile number";
            WebPhoneHint => "11 位中国大陆手机号", "11-digit mainland China mobile number";
            WebSendCode => "发送验证码", "Send the code";
            WebCodeTitle => "输入验证码", "Enter the code";
            WebCodeSent => "如该号码可以接收短信，验证码已发送至 {0}，5 分钟内有效。", "If this number can receive texts, a code was sent to {0}; it is valid for 5 minutes.";
            WebCodeLabel => "验证码", "Code";
            WebCodeHint => "短信中的 6 位数字", "The 6 digits in the text message";
            WebSignIn => "登录", "Sign in";
            WebResendCode => "重新发送验证码", "Send a new code";
            WebDemoCode => "演示环境不发送真实短信，本次验证码为 {0}。", "Demo: no real text is sent; the code is {0}.";
            WebCodeTooSoon => "这次没有发送新的验证码：一分钟内只能发送一次，请于 {0} 后再试。5 分钟内收到且还没用过的验证码仍可输入。", "No new code was sent this time: codes go at most once a minute, try again after {0}. A code received in the last 5 minutes and not yet used still works.";
            WebCodeDailyLimit => "该号码今天获取验证码的次数已达上限，请明天再试或拨打客服电话。", "This number has had today's codes; try again tomorrow or call the hotline.";
            WebCodeAddressLimit => "从这个网络请求的验证码过多，请于 {0} 后再试；急办请拨打客服电话 {1}。", "Too many codes have been asked for from this network: try again after {0}, or call {1} if it is urgent.";
            WebCodeLocked => "验证码错误次数过多，该号码已锁定至 {0}。", "Too many wrong codes: this number is locked until {0}.";
            WebCodeLockedTitle => "这个号码暂时不能登录", "This number cannot sign in for now";
            WebCodeLockedNext => "验证码错误次数过多，该号码已锁定至 {0}，在此之前任何验证码都不能登录。请到时再来；急需办理请致电 {1}。", "Too many wrong codes: this number is locked until {0}, and no code signs in before then. Come back then, or call {1} if it is urgent.";
            WebSignInOtherNumber => "用其他手机号登录", "Sign in with another number";
            WebCodeShape => "验证码是 6 位数字", "The code is 6 digits";
            WebCodeWrong => "验证码不正确，还可尝试 {0} 次", "That code is not right. Tries left: {0}";
            WebCodeExpired => "验证码已过期或已使用，请重新获取", "The code has expired or was used; ask for a new one";
            WebSignOut => "退出登录", "Sign out";

            // The account page.
            WebVerified => "已实名", "verified";
            WebNotVerified => "尚未实名认证", "not yet verified";
            WebSessions => "已登录的设备", "Where you are signed in";
            WebSessionSince => "登录时间", "Since";
            WebThisSession => "当前设备", "this device";
            WebEndSession => "退出该设备", "Sign this device out";
            WebEndAllSessions => "退出所有设备", "Sign out everywhere";

            // Applying.
            WebApplyTitle => "申请数字证书", "Apply for a certificate";
            WebApplyNew => "新申请", "New application";
            WebStepsLabel => "办理步骤", "Steps";
            WebStepRealname => "实名认证", "Identity";
            WebStepProject => "选择项目", "Project";
            WebStepTerms => "阅读协议", "Terms";
            WebStepForm => "填写信息", "Form";
            WebStepPrint => "打印签字", "Print and sign";
            WebStepScan => "上传扫描件", "Upload the scan";
            WebStepReview => "确认提交", "Check and submit";
            WebRealnameIntroNoFace => "办理证书需先确认您的身份：填写姓名和身份证号，核对通过后继续。", "First we confirm who you are: type your name and ID number; once they check out, you go on.";
            WebScanNoCode => "⚠ 没有认出申请表右上角的二维码：请确认上传的是签字后的整页申请表，看不清的话可以重新拍一张。", "⚠ The QR code at the top right of the form was not found: check that this is the whole signed form, and take the photo again if it is unclear.";
            WebRealnameIntro => "办理证书需先确认您的身份：填写姓名和身份证号后进行刷脸核验。", "First we confirm who you are: type your name and ID number, then do a face check.";
            WebRealnameStart => "开始实名认证", "Start the identity check";
            WebRealnameShowCode => "用手机扫码实名", "Verify on your phone";
            WebRealnameScan => "请用手机扫描下方二维码，在手机上完成实名认证，完成后回到本页。", "Scan this code with your phone and finish the identity check there, then come back to this page.";
            WebRealnameQrAlt => "手机实名认证的二维码", "QR code for the identity check on a phone";
            PagePayDoneOnline => "支付成功", "Paid";
            PagePayBackToOrder => "返回我的订单", "Back to my order";
            PageRealnameBackToApply => "继续申请", "Go on with the application";
            WebRealnameDone => "我已在手机上完成", "I finished on my phone";
            WebRealnameCodeValid => "二维码 {0} 分钟内有效。", "The code is good for {0} more minute(s).";
            WebRealnameNewCode => "换一个二维码", "Show a new code";
            WebRealnameNotYet => "还没有收到手机上的认证结果。", "No result from your phone yet.";
            WebRealnameTriedNotYet => "手机上已尝试 {0} 次，还没有通过：{1}。还可尝试 {2} 次，请在手机上核对后再试。", "Tried {0} time(s) on your phone, not yet confirmed: {1}. {2} more tries; check what you typed on the phone and try again.";
            WebRealnameCodeLocked => "尝试次数已用完，这个二维码已失效。请重新显示二维码再试，或携带身份证到柜台办理。", "No tries are left on this code; it no longer works. Show a new code and try again, or bring your ID card to the counter.";
            WebRealnameCodeGone => "这个二维码已失效（超过有效时间，或已显示了新的二维码）。请重新显示二维码。", "This code no longer works (its time ran out, or a newer code was shown). Show a new code.";
            WebRealnameAlready => "您已通过实名认证：{0}。", "Your identity is confirmed: {0}.";
            WebProjectSearch => "项目名称或拼音首字母", "Project name or pinyin initials";
            WebProjectSearchHint => "例如：{0} 或 {1}（名称、地区或拼音首字母）", "For example: {0} or {1} (a name, a region or pinyin initials)";
            WebSearch => "查找", "Search";
            WebMoreProjects => "另有 {0} 个项目，请输入名称或拼音首字母查找。", "{0} more projects: type a name or the pinyin initials to find yours.";
            WebOrganisationLegend => "单位信息", "Organisation details";
            WebAllProjects => "或查看全部项目", "Or see them all";
            WebNoProjects => "没有找到相符的项目，请换个关键词。", "No project matches; try other words.";
            WebForIndividual => "个人证书", "for a person";
            WebForOrganisation => "机构证书", "for an organisation";
            WebPhoneIsAccount => "您登录用的手机号：订单的短信都发到这个号码", "The number you signed in with: the order's text messages go to it";
            WebEarlierOrder => "您上次的申请已是订单 {0}，这里开始的是一份新的申请。", "Your last application is order {0}; this is a new one.";
            WebSeeEarlierOrder => "查看那份订单", "See that order";
            WebChangeProduct => "重新选择项目", "Choose another project";
            WebFilledFromLast => "已按您上次的订单（{0}）填好邮寄地址等，如有变化请修改。", "Your address and other details are filled in from your last order ({0}); change anything that is no longer right.";
            WebAcceptTerms => "我已阅读并同意上述协议", "I have read and accept these terms";
            WebMustAccept => "请阅读并勾选同意协议", "Read and accept the terms to go on";
            WebNext => "下一步", "Next";
            WebApplicant => "申请人", "Applicant";
            WebHandler => "经办人", "Person handling the application";
            WebEmailOptional => "电子邮箱（选填）", "E-mail (optional)";
            WebOrgName => "机构名称", "Organisation name";
            WebOrgUscc => "统一社会信用代码", "Unified social credit code";
            WebOrgLegal => "法定代表人", "Legal representative";
            WebMailing => "证书邮寄地址", "Where to mail the certificate";
            WebRecipient => "收件人", "Recipient";
            WebRecipientPhone => "收件人电话", "Recipient's phone";
            WebProvince => "省", "Province";
            WebCity => "市", "City";
            WebDistrict => "区县", "District";
            WebStreet => "详细地址", "Street address";
            WebPostalCode => "邮政编码", "Postal code";
            WebPrintIntroIndividual => "请下载申请表，打印后签字，再拍照或扫描上传。", "Download the application form, print it, sign it, then upload a photo or scan of it.";
            WebPrintIntro => "请下载申请表，打印后签字（机构加盖公章），再拍照或扫描上传。", "Download the application form, print it, sign it (organisations: add the seal), then photograph or scan it.";
            WebDownloadForm => "下载申请表（PDF）", "Download the form (PDF)";
            WebReference => "申请编号 {0}（印在申请表上）", "Application reference {0} (printed on the form)";
            WebPrinted => "已打印签字，去上传", "Printed and signed: upload it";
            WebBackToPrint => "返回下载申请表", "Back to the form download";
            WebScanIntro => "请上传签字后的申请表：可直接拍照，也可选择文件。", "Upload the signed form: take a photo or choose a file.";
            WebScanLabel => "签字后的申请表", "The signed form";
            WebScanHint => "照片（JPEG、PNG）或 PDF，整页清晰可见，不超过 {0} MB（手机照片太大时可截图后上传）", "A photo (JPEG, PNG) or a PDF, the whole page readable, at most {0} MB (a phone photo too large: upload a screenshot of it)";
            WebUpload => "上传", "Upload";
            WebScanMissing => "请选择要上传的文件", "Choose a file to upload";
            WebScanUnreadable => "文件无法读取，请重新拍照或换一个文件", "The file cannot be read; take the photo again or choose another file";
            WebUploadBroken => "上传中断，请重试", "The upload broke off; try again";
            WebScanAlready => "已上传签字的申请表：{0}。如需更换，请重新选择文件上传。", "The signed form is uploaded: {0}. To replace it, choose another file.";
            WebScanEarlierPrintout => "这是您修改内容之前打印的申请表（{0}），与现在填写的不符，未保存：请下载新的申请表，打印、签字后上传。", "This is the form you printed before changing it ({0}); it no longer matches and was not stored. Download the new form, print it, sign it and upload that.";
            WebScanOtherOrder => "这份扫描件不是本订单（{0}）的材料，未保存：请上传本订单的材料", "This scan is not this order's ({0}); it was not stored. Upload this order's own papers";
            WebScanOtherApplication => "这张申请表不是本申请（{1}）的，未保存：请上传本申请的申请表", "This form is not this application's ({1}); it was not stored. Upload this application's form";
            WebChangeForm => "修改填写的信息", "Change the form";
            WebChangeScan => "重新上传扫描件", "Upload the scan again";
            WebSubmit => "确认提交", "Submit";
            WebReprintAfterChange => "您修改了申请表上的内容，之前打印的申请表已不再适用：请重新打印、签字后再上传。", "You changed what the application form says, so the form printed before no longer matches: print it again, sign it and upload it.";
            WebAlreadySubmitted => "您的申请已提交为本订单（只提交了一次）；接下来要做什么，见下方“下一步”。", "Your application is submitted as this order (once only); what to do next is under “Next step” below.";
            WebInReviewAlready => "订单已在审核中：材料已提交（再点一次不会重复提交）。需要补正、证书寄出时，会短信通知您。", "The order is in review: its material is sent (another tap sends nothing more). We text you if anything needs correcting and when the certificate is mailed.";
            WebFormAgain => "下载本订单的申请表（重新打印、签字）", "Download this order's application form (to print and sign again)";
            WebTransferCanGoBack => "选择银行转账后，转账前仍可改回在线支付。", "Having chosen bank transfer, you can still pay online instead until you transfer.";
            WebPayOnlineInstead => "还没有转账：改用在线支付", "Not transferred yet: pay online instead";
            WebSessionEnded => "登录已失效（已过期，或已在其他设备退出），刚才这一页没有提交成功。请重新登录后继续，之前各步已保存的内容仍在。", "Your sign-in has ended (it expired, or you signed out on another device), so the last page was not sent. Sign in again to go on; what earlier steps saved is still there.";
            WebSessionEndedKept => "登录已失效（已过期，或已在其他设备退出），刚才的表单没有提交。您填写的内容已暂存一小时：请用同一手机号重新登录，回到表单时会自动填回，核对后再提交。", "Your sign-in has ended (it expired, or you signed out on another device), so the form was not sent. What you typed is kept for an hour: sign in again with the same number and it is filled back in for you to check and send.";
            WebFormRestored => "已填回您登录失效前填写的内容（尚未提交），请核对后再提交。", "What you typed before your sign-in ended is filled back in (not sent yet). Check it and send it again.";
            WebSubmitForm => "提交", "Send";
            WebDraftMovedOnTyped => "这份申请刚在另一个页面中保存过。下面是您在本页填写的内容，还没有保存：请核对后点“下一步”，它将替换另一个页面保存的内容。", "This application was just saved in another tab. Below is what you typed on this page, not saved yet: check it and press Next, and it replaces what the other tab saved.";
            WebDraftMovedOn => "这份申请已在另一个页面中更新，已为您显示最新内容，请核对后继续。", "This application was changed in another tab; the latest is shown. Check it and go on.";

            // My orders.
            WebMyOrders => "我的订单", "My orders";
            WebApplicationBegun => "您有一份尚未提交的申请，填写的内容都已保存。", "You have an application not yet submitted; what you typed is saved.";
            WebApplyContinue => "继续填写申请", "Go on with the application";
            WebNoOrders => "您还没有订单。", "You have no orders yet.";
            WebOrderTitle => "订单 {0}", "Order {0}";
            WebOrderStatus => "状态", "Status";
            WebNextStep => "下一步：", "Next:";
            WebNextStepLabel => "下一步", "Next step";
            WebMailedBy => "按承诺，证书最迟于 {0} {1} 前寄出。", "As promised, the certificate is mailed by {1} on {0} at the latest.";
            WebNothingToDo => "材料正在审核，目前无需您操作。需要您补正材料、证书寄出时，会短信通知您。", "Your documents are being reviewed; nothing to do for now. We text you if anything needs correcting and when the certificate is mailed.";
            WebAwaitShipment => "审核已通过，证书正在准备寄出，目前无需您操作。寄出时会短信通知您运单号。", "Approved: the certificate is being prepared for mailing; nothing to do for now. We text you the tracking number when it is mailed.";
            WebAwaitInvoice => "证书已寄出；发票正在开具，开好后会发到您填写的邮箱，也可在本页下载。目前无需您操作。", "The certificate is on its way, and the invoice is being issued: once it is, it is e-mailed to the address you gave, and you can download it here. Nothing to do for now.";
            WebAllDone => "订单已完成，无需其他操作。", "The order is complete; nothing more to do.";
            WebNoInvoiceCall => "本订单未开具发票；如需发票，请致电 {0}。", "No invoice was issued for this order; if you need one, call {0}.";
            WebCancelledWhy => "取消原因：{0}", "Why it was cancelled: {0}";
            WebInvoiceChange => "修改开票信息", "Change the invoice details";
            WebCancelledNothing => "订单已取消，无需其他操作。", "The order was cancelled; nothing more to do.";
            WebOrderNotFound => "没有这个订单", "No such order";
            WebOrderNotFoundNext => "该订单不存在或不属于当前登录的手机号，请回到首页查看您的订单。", "This order does not exist or is not yours; see your orders from the start page.";
            WebOrderMovedOn => "订单状态已变化，已为您显示最新状态。", "The order has moved on; its latest state is shown.";
            WebReceiptDownload => "下载受理回执（可打印保存；付款后即为付款凭证）", "Download the acceptance receipt (to print or keep; once paid, it is your proof of payment)";
            WebNoticeDownload => "下载一次性告知书（PDF）", "Download the correction notice (PDF)";
            WebSlipDownload => "下载转账付款说明（带去银行或发给出纳）", "Download the transfer slip (for the bank, or your cashier)";
            WebFileNotTaken => "“{0}”没有上传：{1}", "\"{0}\" was not uploaded: {1}";
            WebSameFileAsReturned => "这个文件与退回前提交的“{0}”完全相同。请按上面的退回原因修改后，重新拍照或扫描再上传。", "This file is the very one sent before the order was returned (\"{0}\"). Put right what the reasons above say, then photograph or scan it again.";
            WebPayAlipay => "支付宝支付", "Pay with Alipay";
            WebPayDemoCashier => "在线支付（演示收银台，不扣款）", "Pay online (demo cashier: nothing is charged)";
            WebPayTransfer => "改用银行转账", "Pay by bank transfer instead";
            WebPayScan => "请用支付宝扫描二维码付款，付款后回到本页。", "Scan this code with Alipay to pay, then come back to this page.";
            WebPayCodeExpired => "付款二维码已过有效时间，请用下方的付款按钮重新付款。", "The payment code ran out: use the payment button below to pay again.";
            WebNotPaidYet => "还没有收到这笔付款。已付款的，请稍等片刻后刷新本页；还没付款的，请用下方的付款按钮重新付款。", "No payment has come in yet. If you have paid, wait a moment and reload this page; if not, use the payment button below again.";
            WebPayScanDemo => "请用手机扫描二维码，打开演示收银台付款（演示，不扣款），付款后回到本页。", "Scan this code with your phone to open the demo cashier (a demo: nothing is charged), then come back to this page.";
            WebPayQrAlt => "支付宝付款二维码", "Alipay payment QR code";
            WebPaidDone => "我已付款，查看订单", "I have paid: see the order";
            WebTransferFromOrganisation => "请从本单位的对公账户转出；个人账户转入的款项不能作为单位付款。", "Transfer from the organisation's own bank account: money from a personal account is not the organisation's payment.";
            WebTransferChecked => "凭证上传后订单转入审核：审核员核对款项到账后办理，订单页会写明证书最迟寄出的日期。", "Once the voucher is uploaded the order goes to review: the reviewer checks the money arrived, and the order's page says by when the certificate is mailed.";
            WebTransferIntro => "请向以下账户转账，附言填写订单号，转账后上传凭证（截图或回单照片）。", "Transfer to this account with the order number as the reference, then upload the voucher (a screenshot or a photo of the slip).";
            WebBankAccountName => "户名", "Account name";
            WebBankName => "开户行", "Bank";
            WebBankAccountNo => "账号", "Account number";
            WebTransferReference => "转账附言", "Reference";
            WebVoucherLabel => "转账凭证", "Transfer voucher";
            WebCorrectDetails => "上面列出的资料需要更改的，请先用订单资料下方的修改链接改正，再下载申请表打印签字。", "If the details listed above must change, correct them first with the link under them, then download the form to print and sign.";
            WebEditMailing => "修改收件信息", "Change the mailing address";
            WebEditOrderAll => "修改订单资料（单位信息、收件信息）", "Correct the order (organisation, mailing address)";
            WebEditTitle => "修改订单 {0}", "Correct order {0}";
            WebEditIntroHandler => "改正后保存即可，订单的其他内容不变。经办人姓名和身份证号已经实名认证，不能修改。", "Save the corrections; nothing else about the order changes. The handler's name and ID number were verified and cannot be changed.";
            WebEditIntro => "改正后保存即可，订单的其他内容不变。申请人姓名和身份证号已经实名认证，不能修改。", "Save the corrections; nothing else about the order changes. The applicant's name and ID number were verified and cannot be changed.";
            WebEditBeforeMailing => "证书即将寄出：请尽快保存，寄出后就不能再改收件信息了。", "The certificate is about to be mailed: save soon, as the address cannot change once it has gone.";
            WebEditOrgReprint => "单位信息印在申请表上：修改后请重新打印申请表，签字盖章后作为补正材料上传。", "The organisation's details are printed on the application form: after changing them, print the form again, sign and stamp it, and upload it as a correction.";
            WebEditSave => "保存修改", "Save the corrections";
            WebEditClosed => "订单当前为“{0}”，已不能修改。如需帮助请联系客服。", "The order is now {0} and can no longer be changed. Contact us if you need help.";
            WebEditShipped => "证书已经寄出（运单号 {0}），收件信息不能再修改。如需帮助请联系客服。", "The certificate has been mailed (parcel {0}), so the address can no longer change. Contact us if you need help.";
            WebJustSubmitted => "申请已提交，订单号见上方；接下来要做什么，见下方“下一步”。", "Your application is submitted: its order number is above, and what to do next is under “Next step” below.";
            WebSignedOut => "已退出登录。", "You are signed out.";
            WebVoucherIn => "转账凭证已上传，订单进入审核：核对到账后通过。需要补正材料、证书寄出时，会短信通知您。", "The transfer voucher is in and the order is in review: it is approved once the transfer is seen. We text you if anything needs correcting and when the certificate is mailed.";
            WebResubmitted => "补正材料已提交审核。如仍需补正，或证书寄出时，会短信通知您。", "The corrections are sent for review. We text you if anything more is needed, and when the certificate is mailed.";
            WebEditSaved => "已保存修改。", "The corrections are saved.";
            WebEditUnchanged => "内容与原来相同，没有修改。", "Nothing was different, so nothing changed.";
            WebEditSavedReprint => "已保存修改。单位信息变了：请在下面下载申请表重新打印，签字盖章后作为补正材料上传。", "The corrections are saved. The organisation's details changed: download the form below, print it again, sign and stamp it, and upload it as a correction.";
            WebEditRebased => "这张订单刚刚有人修改过（在柜台，或在您的另一个页面），改了：{0}。下面您没改动的栏目已换成订单现在的内容，您改的保留了；请核对后再保存。", "This order was just changed (at the counter, or in another tab of yours): {0}. The fields you did not touch now show what it says; yours are kept. Check, then save.";
            WebEditChangedToo => "这一栏刚被改为“{0}”；下面保留的是您填的，请确认", "this was just changed to “{0}”; what you typed is kept below, check it";
            WebBackToOrder => "返回订单", "Back to the order";
            WebUnpaidCloses => "未付款的订单将于 {0} 自动取消。", "If unpaid, this order is cancelled by itself at {0}.";
            WebCorrectIntro => "请按以上原因准备补正材料——重新打印签字的申请表，或银行转账回单等——拍照或扫描后在下面上传，无需再到柜台。", "Prepare what the reasons above ask for — the application form printed and signed again, a bank transfer slip, or the like — and upload a photo or scan of it below; no need to come back to the counter.";
            WebCorrectionLabel => "补正材料（申请表、转账回单等）", "The corrections (the form, a transfer slip…)";
            WebCorrectionMore => "还有其他补正材料？再上传一份", "Anything else asked for? Upload another file";
            WebCorrectionsIn => "已上传 {0} 份补正材料", "{0} correction file(s) uploaded";
            WebResubmit => "补正材料已传齐，提交审核", "All corrections are in: send for review";
            WebResubmitFirst => "先上传补正材料（每份一次，可分多次上传），全部传齐后再提交审核。", "Upload the corrections first (one file at a time, as many as asked for), then send them for review.";
            WebResubmitWhenAll => "以上原因要求的材料都已上传后，请按下面的按钮提交审核；提交后不能再补充。", "When everything the reasons ask for is uploaded, press the button below to send it for review; nothing can be added after that.";
            WebResubmitCorrected => "您已在线改正了订单资料。退回原因只涉及这些资料的，可以直接提交审核；还要求其他材料（如重新签字的申请表）的，请先在上面上传。", "You corrected the order's details online. If the reasons ask only for that, send it for review now; if they ask for anything else (such as the form signed again), upload it above first.";
            WebResubmitByEditing => "退回原因如果只涉及订单资料（如收件地址），用订单资料下方的修改链接改正后，即可直接提交审核，无需上传；要求其他材料的，请先在上面上传。", "If the reasons concern only the order's details (such as the address), correct them with the link under the details and send it for review, with nothing to upload; if they ask for anything else, upload it above first.";
            WebResubmitNothing => "还没有上传补正材料：请先在上面上传。", "No correction has been uploaded yet: upload it above first.";
            WebParcel => "邮寄进度", "Parcel";
            WebParcelNoNews => "快递公司暂无新的进度。", "No news from the carrier yet.";
            WebParcelTypedByStaff => "以上进度由工作人员录入，本平台不自动查询快递公司；最新进度可凭运单号在快递公司的网站、小程序或客服电话查询。", "These updates are typed in by our staff; this platform does not ask the carrier by itself. For the latest, look the tracking number up on the carrier's website, app or hotline.";
            WebParcelNoNewsManual => "暂无物流更新（本平台不自动查询快递公司）。可凭运单号在快递公司的网站、小程序或客服电话查询。", "No updates yet (this platform does not ask the carrier by itself). Look the tracking number up on the carrier's website, app or hotline.";
            WebInvoiceIntro => "证书已寄出。如需发票，请填写开票信息。", "The certificate is on its way. If you need an invoice, tell us whom to invoice.";
            WebInvoiceAsk => "申请发票", "Ask for the invoice";
            WebInvoiceDownload => "下载发票（PDF）", "Download the invoice (PDF)";
            WebInvoiceNotYet => "发票尚未开具", "The invoice is not issued yet";
            WebInvoiceNotYetNext => "开具后会发到您填写的邮箱，也可在订单页下载。", "Once issued, it is e-mailed to the address you gave, and you can download it from the order's page.";
        }
    };
}
