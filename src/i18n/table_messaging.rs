//! The strings of real-name checks by an outside provider, the SMS outbox and the demo
//! parts: they join the entries of `table.rs` in the one enum [`super::T`] (`table.rs` hands
//! its entries here, and these are added after them).

macro_rules! messaging_texts {
    ($then:ident; $($entries:tt)*) => {
        $then! {
            $($entries)*

            // Real-name verification by an outside provider (Alipay's face check).
            RealnameFaceFailed => "支付宝刷脸未通过", "the Alipay face check did not pass";
            RealnameFaceAbandoned => "客户未在有效期内完成支付宝刷脸", "the customer did not finish the Alipay face check in time";
            RealnameAtProvider => "客户正在支付宝中刷脸…", "The customer is doing the face check in Alipay…";
            RealnameEndedBecause => "原因：{0}", "Why: {0}";
            RealnameOtherNames => "注意：此身份证号曾以其他姓名登记或申请：{0}", "Note: this ID number was registered or applied for under another name: {0}";
            RealnameVerifiedBy => "{0} ✓ {1}", "{0} ✓ {1}";
            RealnameVerifiedById => "{0} ✓ {1}，certify_id {2}", "{0} ✓ {1}, certify_id {2}";
            RealnameVerifiedOtherNames => "已实名为 {0}，但此身份证号曾以其他姓名登记或申请：{1}，请核对证件。", "verified as {0}, but this ID number was registered or applied for under another name: {1}; check the ID card.";
            ProviderAlipayFace => "支付宝刷脸", "Alipay face check";
            ProviderBuiltinCheck => "内置演示核验（仅校验号码与姓名）", "built-in demo check (number and name only)";
            HistoryRealname => "实名认证", "identity verified";
            PageRealnameFaceTitle => "请在支付宝中完成刷脸", "Finish the face check in Alipay";
            PageRealnameFaceIntro => "您填写的姓名和身份证号已交支付宝核验。请打开支付宝，按提示完成刷脸，完成后会回到本页。", "Alipay checks the name and ID number you typed. Open Alipay and follow its face check; it brings you back to this page.";
            PageRealnameOpenAlipay => "打开支付宝刷脸", "Open Alipay for the face check";
            PageRealnameFaceFallback => "没有自动打开支付宝？", "Alipay did not open?";
            PageRealnameOpenInBrowser => "在浏览器中继续", "Continue in the browser";
            PageRealnameFaceAfter => "完成后柜台屏幕会自动显示结果。", "The counter's screen shows the result by itself.";
            PageRealnameChecking => "正在向支付宝确认结果…", "Asking Alipay for the result…";
            PageRealnameLookAgain => "刷新结果", "Look again";

            // The demo parts, wherever they show.
            DemoStatus => "演示", "DEMO";
            DemoStartLine => "演示部件（不是真实服务）：{0}", "demo parts (not real services): {0}";
            DemoHelpTitle => "演示部件（不是真实服务）", "Demo parts (not real services)";
            PageInvoiceMailNotSent => "邮件未能发出，请联系客服：", "The e-mail could not be sent; please call us:";
            PageInvoiceMailPending => "邮件正在发送，稍后请查收：", "The e-mail is on its way to:";
            PageInvoiceKeptInOutbox => "邮件仅存于平台发件箱（演示），未真正发出：", "The e-mail was only kept in the platform's outbox (demo), not sent:";

            // The SMS outbox, as administrators see it.
            SmsKindReturned => "补正通知", "returned for correction";
            SmsKindShipped => "寄出通知", "shipped";
            SmsKindLoginCode => "登录验证码", "login code";
            SmsLoginCode => "【{0}】您的登录验证码为 {1}，5 分钟内有效。请勿告诉他人。", "[{0}] Your login code is {1}, valid for 5 minutes. Do not share it.";
        }
    };
}
