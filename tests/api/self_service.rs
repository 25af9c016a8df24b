//! The customer's own platform, driven as a browser drives it (cookies, form tokens, no
//! script): signing in with a code and its limits, forms refused from other sites, applying
//! from home to a submitted order that the counter sees as online, paying on a phone, bank
//! transfer with the voucher, and a returned order corrected from the phone.

use ca_counter::api::{ActionRequest, OrderQuery, PhonePage};
use ca_counter::domain::{Action, Channel, OrderStatus};
use reqwest::StatusCode;
use reqwest::header;

use crate::common::customer::{
    Browser, a_code_may_go_again, apply, correct_mailing, hidden, input_value, owner_phone,
    sign_in, signed_in_owner, verify_on_phone,
};
use crate::common::{Db, TestApp, scan_png, unique_phone, voucher_jpeg};
use crate::on_both_databases;

on_both_databases!(
    a_price_changed_after_printing_sends_the_application_back_to_print,
    a_code_that_ran_out_is_not_shown_again,
    a_cancel_confirmed_after_the_order_went_to_review_says_it_was_not_done,
    an_order_returned_unverified_is_verified_from_the_phone,
    the_tries_a_customer_makes_alone_are_capped_a_day,
    a_code_locked_over_the_name_says_which_name_is_registered,
    terms_that_changed_after_they_were_accepted_are_asked_again,
    a_file_for_a_step_the_order_cannot_take_is_not_kept,
    a_check_from_a_returned_order_takes_only_its_applicants_id_number,
    a_returned_order_of_someone_else_on_the_account_is_not_checked_there,
    a_customer_applies_from_home_pays_on_the_phone_and_the_counter_sees_it_online,
    a_transfer_and_a_correction_are_done_from_the_phone,
    login_codes_are_limited_per_minute_per_day_and_by_wrong_tries,
    sessions_are_listed_and_ended_from_another_device,
    a_support_agent_texts_a_login_code_and_the_payment_link_and_never_sees_the_code,
    a_form_from_elsewhere_a_planted_token_a_stale_or_an_overlong_form_changes_nothing,
    a_customer_corrects_the_address_without_undoing_the_counters_change,
    a_form_sent_after_the_sign_in_ended_is_given_back_to_its_customer,
    a_cancelled_or_uninvoiced_order_says_so_on_the_customers_page,
    one_address_has_only_so_many_numbers_texted_an_hour,
    a_product_tapped_on_a_page_left_behind_is_the_one_taken,
    a_locked_number_asking_again_is_told_so_and_shown_no_code,
    back_from_a_step_shows_the_step_before_and_going_on_loses_nothing,
    a_refused_form_is_a_page_of_its_own_for_the_browser_that_sent_it,
    the_pcs_verification_code_is_never_kept_to_be_shown_again,
    i_finished_on_my_phone_says_where_the_check_stands,
    the_demo_cashiers_code_on_a_pc_says_it_is_the_demo,
    an_application_begun_before_the_first_order_is_filled_from_it,
    a_support_agent_sees_where_a_caller_with_no_order_is_stuck,
    a_code_page_address_written_by_someone_else_shows_nothing_it_says,
    a_company_from_the_last_order_waits_through_a_persons_form,
    the_same_product_applied_for_again_is_pointed_to_the_open_order_which_can_be_cancelled,
);

async fn a_customer_applies_from_home_pays_on_the_phone_and_the_counter_sees_it_online(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    let home = browser.get("/").await;
    assert!(home.html.contains("<main"), "{}", home.html);
    // Safe pages: no script, never framed, never cached, no referrer, no sniffing.
    for path in [
        "/",
        "/login",
        "/apply",
        "/orders",
        "/account",
        "/orders/HN20990101000001",
    ] {
        let answer = browser
            .http
            .get(format!("{}{path}", browser.base))
            .send()
            .await
            .expect("page");
        let headers = answer.headers();
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"),
            "{path}: {csp}"
        );
        assert_eq!(
            headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
            Some(&b"no-store"[..]),
            "{path}"
        );
        assert_eq!(
            headers.get(header::REFERRER_POLICY).map(|v| v.as_bytes()),
            Some(&b"no-referrer"[..]),
            "{path}"
        );
        assert_eq!(
            headers
                .get(header::X_CONTENT_TYPE_OPTIONS)
                .map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{path}"
        );
    }
    // English for a browser that asks for it.
    let english = browser
        .http
        .get(format!("{}/login", browser.base))
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        english.contains("Sign in with your mobile number") && english.contains("lang=\"en\""),
        "{english}"
    );
    assert!(home.html.contains("href=\"/login\""), "{}", home.html);

    // A form from another site is refused, before anything happens.
    let foreign = browser
        .http
        .post(format!("{}/login", browser.base))
        .header("sec-fetch-site", "cross-site")
        .header(header::COOKIE, browser.cookie_header())
        .form(&[("phone", "13900001111"), ("form_token", &browser.token())])
        .send()
        .await
        .expect("post");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let tokenless = browser
        .http
        .post(format!("{}/login", browser.base))
        .header(header::COOKIE, browser.cookie_header())
        .form(&[("phone", "13900001111")])
        .send()
        .await
        .expect("post");
    assert_eq!(tokenless.status(), StatusCode::FORBIDDEN);

    let phone = unique_phone();
    let spaced = format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..]);
    sign_in(&mut browser, &spaced).await;
    // One code a minute: asking again at once (from a browser not signed in) is told
    // when, and nothing is sent.
    let session = browser.take_session();
    let again = browser.post_follow("/login", &[("phone", &phone)]).await;
    assert!(
        again.html.contains("这次没有发送新的验证码"),
        "{}",
        again.html
    );
    assert!(!again.html.contains("本次验证码为"), "{}", again.html);
    // A mistyped number is mended from the code's page, not only by Back — the number
    // typed back in its field, one digit to correct rather than eleven to type again.
    assert!(
        again.html.contains("href=\"/login?next=") && again.html.contains("用其他手机号登录"),
        "{}",
        again.html
    );
    let other = format!("/login?next=%2F&amp;phone={phone}");
    assert!(again.html.contains(&other), "{}", again.html);
    let form = browser.get(&other.replace("&amp;", "&")).await;
    assert!(
        form.html.contains(&format!("value=\"{phone}\"")),
        "{}",
        form.html
    );
    // Nor is a code said to have been sent.
    assert!(!again.html.contains("验证码已发送至"), "{}", again.html);
    browser.put_session(session);
    // The outbox keeps the text masked: an administrator never reads the code.
    let admin = app.client(&app.admin);
    let messages = admin.sms_messages().await.expect("sms");
    let login = messages
        .iter()
        .find(|m| m.phone == phone)
        .expect("the login text");
    assert!(login.body.contains("••••••"), "{}", login.body);

    let order_no = apply(&app, &mut browser, "王小明", "11010519491231002X").await;

    // The counter sees it, marked online, with the customer's own number (the one signed
    // in with, not one typed on the form).
    let clerk = app.client(&app.clerk);
    let revealed = clerk.order(&order_no, true).await.expect("order");
    assert_eq!(revealed.applicant.phone, phone);
    let order = clerk.order(&order_no, false).await.expect("order");
    assert_eq!(order.channel, Channel::Online);
    assert_eq!(order.status, OrderStatus::PendingPayment);
    let online = clerk
        .orders(&OrderQuery {
            channel: Some("online".into()),
            ..Default::default()
        })
        .await
        .expect("list");
    assert!(online.items.iter().any(|o| o.order_no.as_str() == order_no));

    // A second application starts from what the first said: the address is filled in, and
    // the form says from which order, to be checked. Its first step says where the first
    // one is (Back after submitting lands here).
    let page = browser.get("/apply").await;
    assert!(
        page.html
            .contains(&format!("您上次的申请已是订单 {order_no}"))
            && page.html.contains(&format!("href=\"/orders/{order_no}\"")),
        "{}",
        page.html
    );
    let product = app.product(ca_counter::domain::UserType::Individual).await;
    let form = choose(&mut browser, &product).await;
    assert!(form.html.contains("name=\"street\""), "{}", form.html);
    // The home page puts the order waiting to be paid before the application begun beside
    // it, and says honestly what of that application is kept.
    let home = browser.get("/").await;
    let waiting = home.html.find(&order_no).expect("the order");
    let begun = home.html.find("继续填写申请").expect("the application");
    assert!(waiting < begun, "{}", home.html);
    assert!(
        home.html.contains("已保存到您最后一次点“下一步”时"),
        "{}",
        home.html
    );
    let first = clerk.order(&order_no, true).await.expect("order");
    assert_eq!(input_value(&form.html, "street"), first.mailing.street);
    // The first order's address corrected meanwhile (the customer called): nothing was
    // typed over the filled form, so it follows — the corrected address, not the old one.
    correct_mailing(&clerk, &first, |m| m.street = "桐梓坡路 99 号".into()).await;
    let form = browser.get("/apply?step=form").await;
    assert_eq!(input_value(&form.html, "street"), "桐梓坡路 99 号");

    assert_eq!(
        input_value(&form.html, "recipient_phone"),
        first.mailing.phone
    );
    assert!(
        form.html
            .contains(&format!("已按您上次的订单（{order_no}）填好")),
        "{}",
        form.html
    );
    // The form sent as its page showed it, an e-mail typed, while the clerk corrected the
    // first order once more: taken as sent (not "another page saved this"), and the order
    // corrected later does not overwrite what the customer saw and sent.
    let corrected = clerk.order(&order_no, true).await.expect("order");
    correct_mailing(&clerk, &corrected, |m| m.street = "桐梓坡路 100 号".into()).await;
    let field = |name: &str| input_value(&form.html, name);
    let (version, draft) = (hidden(&form.html, "version"), hidden(&form.html, "draft"));
    let sent = browser
        .post(
            "/apply",
            &[
                ("action", "form"),
                ("version", version.as_str()),
                ("draft", draft.as_str()),
                ("phone", field("phone").as_str()),
                ("email", "wang@example.com"),
                ("recipient", field("recipient").as_str()),
                ("recipient_phone", field("recipient_phone").as_str()),
                ("province", field("province").as_str()),
                ("city", field("city").as_str()),
                ("district", field("district").as_str()),
                ("street", field("street").as_str()),
                ("postal_code", field("postal_code").as_str()),
            ],
        )
        .await;
    assert_eq!(
        sent.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        sent.html
    );
    let form = browser.get("/apply?step=form").await;
    assert_eq!(input_value(&form.html, "street"), "桐梓坡路 99 号");

    // Its receipt is the customer's own: no counter's seal to stamp, no stub to tear off
    // and keep, and the address checked online, not "tell the clerk".
    let receipt = pdf_of(&browser, &format!("/orders/{order_no}/receipt.pdf")).await;
    assert!(receipt.contains(&order_no), "{receipt}");
    for counter_only in ["受理点（盖章）", "存根", "受理人员", "申请人签收"] {
        assert!(!receipt.contains(counter_only), "{counter_only}: {receipt}");
    }
    // My orders: the order, and its one next step.
    let mine = browser.get("/").await;
    assert!(mine.html.contains(&order_no), "{}", mine.html);
    // The next step is a link to where it is taken.
    assert!(
        mine.html
            .contains(&format!("href=\"/orders/{order_no}#next-step\"")),
        "{}",
        mine.html
    );
    let page = browser.get(&format!("/orders/{order_no}")).await;
    assert!(page.html.contains("请支付"), "{}", page.html);

    // Paying on a phone: into the (demo) mobile cashier, and back to the order.
    let pay = browser.post(&format!("/orders/{order_no}/pay"), &[]).await;
    assert_eq!(pay.status, StatusCode::SEE_OTHER, "{}", pay.html);
    let cashier = pay.location.expect("to the cashier");
    assert!(
        cashier.contains("/m/pay/") && cashier.contains("return="),
        "{cashier}"
    );
    // Back from the cashier without paying, and pressed again: the same cashier, not a
    // refusal (and not a second payment that could be paid too).
    let again = browser.post(&format!("/orders/{order_no}/pay"), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html);
    assert_eq!(again.location.as_deref(), Some(cashier.as_str()));
    // The cashier has its way back to the order, for a customer who will pay later.
    let unpaid = PhonePage::open(&app.http, &cashier).await.expect("cashier");
    assert!(
        unpaid.html.contains(&format!("/orders/{order_no}\">")),
        "{}",
        unpaid.html
    );
    // And says until when it takes the payment (HH:MM, China time).
    let until = unpaid
        .html
        .split("请在 ")
        .nth(1)
        .and_then(|rest| rest.split(" 前完成支付").next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        until.len() == 5 && until.as_bytes()[2] == b':',
        "{}",
        unpaid.html
    );
    let paid = PhonePage::open(&app.http, &cashier)
        .await
        .expect("cashier")
        .submit(&app.http, &[])
        .await
        .expect("paid")
        .text()
        .await
        .expect("html");
    assert!(paid.contains(&format!("/orders/{order_no}")), "{paid}");
    let page = browser.get(&format!("/orders/{order_no}")).await;
    assert!(page.html.contains("等待审核"), "{}", page.html);

    // Someone else's order is not found, and says where to go.
    let other = app.submit("赵六").await;
    let foreign = browser.get(&format!("/orders/{}", other.order_no)).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    // Sessions are listed and end.
    let account = browser.get("/account").await;
    assert!(account.html.contains("当前设备"), "{}", account.html);
    // And lead back to the orders.
    assert!(
        account.html.contains("href=\"/orders\""),
        "{}",
        account.html
    );
    let out = browser.post("/logout", &[]).await;
    let to = out.location.expect("to the sign-in page");
    let login = browser.get(&to).await;
    assert!(login.html.contains("已退出登录"), "{}", login.html);
    let after = browser.get("/orders").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    app.finish().await;
}

async fn a_transfer_and_a_correction_are_done_from_the_phone(db: Db) {
    let app = TestApp::spawn(db).await;
    // An order made at the counter for this number shows on the customer's platform (its
    // customer verified there, as one sent back to review must be).
    let counter = app.submit("孙七").await;
    app.verify_customer(&counter.customer_id, "孙七", "11010519491231002X")
        .await;
    let (_, mut browser) = signed_in_owner(&app, counter.order_no.as_str()).await;
    let no = counter.order_no.as_str().to_owned();
    let mine = browser.get("/").await;
    assert!(mine.html.contains(&no), "{}", mine.html);

    // Bank transfer: the account and the reference, then the voucher.
    let page = browser.get(&format!("/orders/{no}")).await;
    let version = hidden(&page.html, "version");
    let chose = browser
        .post(&format!("/orders/{no}/transfer"), &[("version", &version)])
        .await;
    assert_eq!(chose.status, StatusCode::SEE_OTHER, "{}", chose.html);
    // The same button pressed again in another tab: not the customer's mistake — the
    // order as it stands now, said to have moved on; nothing changes.
    let twice = browser
        .post(&format!("/orders/{no}/transfer"), &[("version", &version)])
        .await;
    assert_eq!(twice.status, StatusCode::OK, "{}", twice.html);
    assert!(
        twice.html.contains("订单状态已变化") && !twice.html.contains("error-summary"),
        "{}",
        twice.html
    );
    // Its language switch leads to the order's page: the action's address answers only
    // its form (a link to it would be 405).
    assert!(
        twice
            .html
            .contains(&format!("href=\"/orders/{no}?lang=en\"")),
        "{}",
        twice.html
    );
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(page.html.contains("转账附言"), "{}", page.html);
    // The example account said so beside it, in the page's language.
    assert!(
        page.html.contains("这是示例收款账户，请勿向其转账"),
        "{}",
        page.html
    );
    // Not transferred after all: back to paying online (the order waits for payment
    // again), then the transfer once more.
    assert!(
        page.html
            .contains(&format!("action=\"/orders/{no}/online\"")),
        "{}",
        page.html
    );
    let version = hidden(&page.html, "version");
    let back = browser
        .post(&format!("/orders/{no}/online"), &[("version", &version)])
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.html);
    let order = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert_eq!(order.status, OrderStatus::PendingPayment);
    let page = browser.get(&format!("/orders/{no}")).await;
    let version = hidden(&page.html, "version");
    let chose = browser
        .post(&format!("/orders/{no}/transfer"), &[("version", &version)])
        .await;
    assert_eq!(chose.status, StatusCode::SEE_OTHER, "{}", chose.html);
    let page = browser.get(&format!("/orders/{no}")).await;
    // The slip to take to the bank, as the counter prints it.
    assert!(
        page.html
            .contains(&format!("href=\"/orders/{no}/slip.pdf\"")),
        "{}",
        page.html
    );
    let slip = pdf_of(&browser, &format!("/orders/{no}/slip.pdf")).await;
    assert!(
        slip.contains("银行转账付款说明") && slip.contains(no.as_str()),
        "{slip}"
    );
    let version = hidden(&page.html, "version");
    // Back from a voucher over the upload limit (refused before anything read it): the
    // limit said beside the voucher's field, the form there to choose a smaller one.
    let too_large = browser.get(&format!("/orders/{no}?too_large=1")).await.html;
    let field = too_large
        .split("id=\"scan-error\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no error beside the field: {too_large}"));
    assert!(
        field.starts_with(">这个文件超过了")
            && too_large.contains(&format!("action=\"/orders/{no}/voucher")),
        "{too_large}"
    );
    // Meanwhile the counter corrects the address (the order's version moves, not its
    // step): the voucher chosen on the page left open is still taken.
    let waiting = app
        .client(&app.clerk)
        .order(&no, true)
        .await
        .expect("order");
    correct_mailing(&app.client(&app.clerk), &waiting, |m| {
        m.street = "麓山南路 933 号".into();
    })
    .await;
    let uploaded = browser
        .upload(
            &format!("/orders/{no}/voucher"),
            &version,
            voucher_jpeg(800, 600),
            "image/jpeg",
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.html);
    // Back on the order, told the voucher is in.
    let to = uploaded.location.expect("to the order");
    assert_eq!(to, format!("/orders/{no}?done=voucher"));
    let told = browser.get(&to).await;
    assert!(told.html.contains("转账凭证已上传"), "{}", told.html);
    // A link kept from the refused upload says nothing once the order takes no file.
    let stale = browser.get(&format!("/orders/{no}?too_large=1")).await.html;
    assert!(!stale.contains("这个文件超过了"), "{stale}");
    // "We text you", on a platform whose texts are only logged: said that none will come.
    assert!(
        told.html.contains("短信只记入日志，不会真正发出"),
        "{}",
        told.html
    );
    // Waiting for review: by when the certificate is mailed, as promised.
    assert!(told.html.contains("按承诺，证书最迟于"), "{}", told.html);
    let order = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert_eq!(order.status, OrderStatus::PendingReview);

    // Returned once: every reason on the phone, and the corrected scan from the phone.
    let reviewer = app.client(&app.reviewer);
    reviewer.claim(&no, false).await.expect("claim");
    let order = app
        .act(
            &app.reviewer,
            &order,
            Action::Reject,
            ActionRequest {
                reasons: vec![
                    "签名不清晰".into(),
                    "缺少身份证复印件".into(),
                    "申请表扫描件不清晰".into(),
                ],
                ..Default::default()
            },
        )
        .await;
    assert_eq!(order.status, OrderStatus::Rejected);
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(
        page.html.contains("签名不清晰") && page.html.contains("缺少身份证复印件"),
        "{}",
        page.html
    );
    // Told it is to be corrected, and what becomes of the money past the deadline — not
    // "rejected" (已驳回), which a customer who paid reads as refused.
    assert!(
        page.html.contains("待补正") && !page.html.contains("已驳回"),
        "{}",
        page.html
    );
    // Paid by transfer, returned before review found it in the account: not called paid.
    assert!(
        page.html.contains("已转账的，款项经核对到账后记在本订单上")
            && !page.html.contains("已付的款项"),
        "{}",
        page.html
    );
    // In English the deadline is an English date.
    let english = browser
        .http
        .get(format!("{}/orders/{no}", browser.base))
        .header(header::COOKIE, browser.cookie_header())
        .header(header::ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        english.contains("Please correct by 20") && !english.contains("日（星期"),
        "{english}"
    );
    // The checklist's reason in English; the reviewer's own words as written.
    assert!(
        english.contains("the form's scan cannot be read")
            && !english.contains("申请表扫描件不清晰")
            && english.contains("签名不清晰"),
        "{english}"
    );
    // The order's own form, to print again and sign: its code names the order.
    assert!(
        page.html
            .contains(&format!("href=\"/orders/{no}/form.pdf\"")),
        "{}",
        page.html
    );
    let form = browser
        .http
        .get(format!("{}/orders/{no}/form.pdf", browser.base))
        .header(header::COOKIE, browser.cookie_header())
        .send()
        .await
        .expect("form");
    assert_eq!(form.status(), StatusCode::OK);
    let bytes = form.bytes().await.expect("pdf");
    let pdf = crate::pdf_documents::text_of(&format!("returned-form-{no}.pdf"), &bytes);
    assert!(pdf.contains(no.as_str()), "{pdf}");
    // The notice itself, and the receipt — which says the transfer is still to be checked.
    assert!(
        page.html
            .contains(&format!("href=\"/orders/{no}/notice.pdf\"")),
        "{}",
        page.html
    );
    let notice = pdf_of(&browser, &format!("/orders/{no}/notice.pdf")).await;
    assert!(
        notice.contains("补正材料一次性告知书") && notice.contains("缺少身份证复印件"),
        "{notice}"
    );
    let receipt = pdf_of(&browser, &format!("/orders/{no}/receipt.pdf")).await;
    assert!(receipt.contains("待核实到账"), "{receipt}");
    assert!(
        receipt.contains("待补正") && !receipt.contains("已驳回"),
        "{receipt}"
    );
    // Another customer gets none of them; a slip for an order no longer waiting for its
    // money is not given (it would have it paid twice).
    let mut stranger = Browser::new(&app);
    sign_in(&mut stranger, &unique_phone()).await;
    let theirs = stranger
        .get_once(&format!("/orders/{no}/receipt.pdf"))
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let no_slip = browser.get_once(&format!("/orders/{no}/slip.pdf")).await;
    assert_eq!(no_slip.status, StatusCode::SEE_OTHER);
    let history = app.client(&app.clerk).history(&no).await.expect("history");
    assert!(
        history
            .iter()
            .any(|h| h.action == "print" && h.reason.as_deref() == Some("correction_notice")),
        "{history:?}"
    );
    let version = hidden(&page.html, "version");
    // A file whose name carries a control character (its part's headers do not read):
    // said so, not "choose a file", and the order stays returned.
    let odd = browser
        .upload_named(
            &format!("/orders/{no}/correction"),
            &version,
            &scan_png(304, 396),
            "image/png",
            b"a\x1b[31mb.png",
        )
        .await;
    assert!(
        odd.html.contains("文件名里有特殊字符") && !odd.html.contains("请选择要上传的文件"),
        "{}",
        odd.html
    );
    // A thumbnail from the phone's gallery: refused as too small to read, with its size.
    let thumb = browser
        .upload(
            &format!("/orders/{no}/correction"),
            &version,
            crate::common::voucher_jpeg(60, 85),
            "image/jpeg",
        )
        .await;
    assert_eq!(
        thumb.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        thumb.html
    );
    assert!(
        thumb.html.contains("图片太小（60×85 像素") && thumb.html.contains("短边至少 300 像素"),
        "{}",
        thumb.html
    );
    // Another order's form, photographed: refused on the phone, both numbers named, and
    // the order stays returned.
    let theirs = app.submit("郑十").await;
    let wrong =
        crate::scan_upload::png(&crate::scan_upload::scanned_form(&app, &theirs, 100).await);
    let refused = browser
        .upload(
            &format!("/orders/{no}/correction"),
            &version,
            wrong,
            "image/png",
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(
        // Another customer's order is not named to this one.
        !refused.html.contains(theirs.order_no.as_str())
            && refused.html.contains("不是本订单")
            && refused.html.contains("scan-error")
            && refused.html.contains("补正材料（申请表、转账回单等）：")
            && !refused.html.contains("签字后的申请表"),
        "{}",
        refused.html
    );
    let still = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert_eq!(still.status, OrderStatus::Rejected);
    let corrected = browser
        .upload(
            &format!("/orders/{no}/correction"),
            &version,
            scan_png(1240, 1754),
            "image/png",
        )
        .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.html
    );
    // One file of several asked for: kept, the order still returned, the page listing it
    // and taking another (a transfer slip), then sending them all together.
    let still = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert_eq!(still.status, OrderStatus::Rejected);
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(
        page.html.contains("已上传 1 份补正材料")
            && page
                .html
                .contains(&format!("action=\"/orders/{no}/resubmit\"")),
        "{}",
        page.html
    );
    // A photo with no form's code on it is not ticked off: the customer is told what to
    // check, as at the application's scan step.
    assert!(
        page.html.contains("没有认出申请表右上角的二维码") && !page.html.contains("✓ photo"),
        "{}",
        page.html
    );
    // The very voucher sent before the return corrects nothing: refused, named.
    let same = browser
        .upload(
            &format!("/orders/{no}/correction"),
            &version,
            voucher_jpeg(800, 600),
            "image/jpeg",
        )
        .await;
    assert_eq!(
        same.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        same.html
    );
    assert!(
        same.html.contains("与退回前提交的“photo.jpg”完全相同"),
        "{}",
        same.html
    );
    let slip = browser
        .upload(
            &format!("/orders/{no}/correction"),
            &version,
            voucher_jpeg(640, 480),
            "image/jpeg",
        )
        .await;
    assert_eq!(slip.status, StatusCode::SEE_OTHER, "{}", slip.html);
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(page.html.contains("已上传 2 份补正材料"), "{}", page.html);
    // A wrong photo sent as well: taken back before sending (nobody has reviewed it), the
    // history saying so; the other two stay.
    let wrong = browser
        .upload(
            &format!("/orders/{no}/correction"),
            &version,
            voucher_jpeg(700, 500),
            "image/jpeg",
        )
        .await;
    assert_eq!(wrong.status, StatusCode::SEE_OTHER, "{}", wrong.html);
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(page.html.contains("已上传 3 份补正材料"), "{}", page.html);
    let withdraw = page
        .html
        .split("action=\"")
        .filter_map(|rest| rest.split('"').next())
        .filter(|action| action.ends_with("/withdraw"))
        .last()
        .expect("a way to take a file back")
        .to_owned();
    let taken = browser.post(&withdraw, &[("version", &version)]).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.html);
    let said = browser
        .get(taken.location.as_deref().expect("to the order"))
        .await;
    assert!(said.html.contains("已删除这份补正材料"), "{}", said.html);
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(page.html.contains("已上传 2 份补正材料"), "{}", page.html);
    let history = app.client(&app.clerk).history(&no).await.expect("history");
    assert!(
        history.iter().any(|h| h.action == "withdraw_attachment"),
        "{history:?}"
    );
    // Taken back twice (a second tap), or another file taken back from that page: nothing
    // else goes (the order moved on with the first).
    browser.post(&withdraw, &[("version", &version)]).await;
    let other = page
        .html
        .split("action=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|action| action.ends_with("/withdraw"))
        .expect("the first file's")
        .to_owned();
    browser.post(&other, &[("version", &version)]).await;
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(page.html.contains("已上传 2 份补正材料"), "{}", page.html);
    // A resubmission from the page before the withdrawal (another tab) would list the
    // file taken back: refused as stale. From the page now, it goes.
    let stale = browser
        .post(&format!("/orders/{no}/resubmit"), &[("version", &version)])
        .await;
    assert_eq!(stale.status, StatusCode::OK, "{}", stale.html);
    let version = hidden(&page.html, "version");
    let sent = browser
        .post(&format!("/orders/{no}/resubmit"), &[("version", &version)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    // Sent: a file can no longer be taken back, and the page says so.
    let late = browser.post(&other, &[("version", &version)]).await;
    assert!(late.html.contains("不能再删除"), "{}", late.html);
    let order = app
        .client(&app.clerk)
        .order(&no, true)
        .await
        .expect("order");
    assert_eq!(order.status, OrderStatus::PendingReview);
    let corrections = order
        .attachments
        .iter()
        .filter(|a| a.kind == ca_counter::api::AttachmentKind::Correction)
        .count();
    assert_eq!(corrections, 2, "both files go to the reviewer");
    // Sent again from the page left behind (a second tap on a slow network): the order as
    // it is now, in review, said so — not "moved on", nor a list of errors with nothing
    // to fix.
    let again = browser
        .post(&format!("/orders/{no}/resubmit"), &[("version", &version)])
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.html);
    assert!(
        again.html.contains("订单已在审核中") && !again.html.contains("error-summary"),
        "{}",
        again.html
    );
    assert!(!again.html.contains("订单状态已变化"), "{}", again.html);
    let history = app.client(&app.clerk).history(&no).await.expect("history");
    assert!(
        history.iter().any(|h| h.actor.name.contains("线上")),
        "the customer is named in the history: {history:?}"
    );
    app.finish().await;
}

async fn issue(
    store: &ca_counter::server::store::Store,
    phone: &str,
    code: &str,
) -> ca_counter::server::store::self_service::CodeIssue {
    store
        .issue_login_code(
            phone,
            code,
            ca_counter::server::store::self_service::CodeAsker::Client(None),
        )
        .await
        .expect("issue")
}

async fn check(
    store: &ca_counter::server::store::Store,
    phone: &str,
    code: &str,
) -> ca_counter::server::store::self_service::CodeCheck {
    store.check_login_code(phone, code).await.expect("check")
}

async fn login_codes_are_limited_per_minute_per_day_and_by_wrong_tries(db: Db) {
    use ca_counter::server::store::self_service::{CodeCheck, CodeIssue};
    let app = TestApp::spawn(db).await;
    let store = app.store();
    let phone = unique_phone();
    // One a minute.
    assert_eq!(issue(store, &phone, "123456").await, CodeIssue::Send);
    assert!(matches!(
        issue(store, &phone, "234567").await,
        CodeIssue::TooSoon(_)
    ));
    // Ten a day: the minute passes nine more times, the eleventh is refused.
    let a_minute_ago = || async {
        sqlx::query("UPDATE login_codes SET sent_at = sent_at - 61000 WHERE phone = $1")
            .bind(&phone)
            .execute(store.pool())
            .await
            .expect("the clock");
    };
    for _ in 0..9 {
        a_minute_ago().await;
        assert_eq!(issue(store, &phone, "345678").await, CodeIssue::Send);
    }
    a_minute_ago().await;
    assert_eq!(issue(store, &phone, "456789").await, CodeIssue::DailyLimit);
    // The last code sent is the one that works, once; a wrong one counts down.
    assert_eq!(check(store, &phone, "000000").await, CodeCheck::Wrong(4));
    assert_eq!(check(store, &phone, "345678").await, CodeCheck::Right);
    assert_eq!(check(store, &phone, "345678").await, CodeCheck::NoCode);

    // Five wrong codes lock the number for fifteen minutes, the right code included.
    let other = unique_phone();
    assert_eq!(issue(store, &other, "111111").await, CodeIssue::Send);
    for left in (1..5).rev() {
        assert_eq!(check(store, &other, "999999").await, CodeCheck::Wrong(left));
    }
    let CodeCheck::Locked(until) = check(store, &other, "999999").await else {
        panic!("five wrong codes lock the number");
    };
    let minutes = (until - ca_counter::server::store::now_ms()) / 60_000;
    assert!((14..=15).contains(&minutes), "{minutes} minutes");
    assert!(matches!(
        check(store, &other, "111111").await,
        CodeCheck::Locked(_)
    ));
    assert!(matches!(
        issue(store, &other, "222222").await,
        CodeIssue::Locked(_)
    ));
    // Wrong codes and the day's ten may be a stranger's doing: support, speaking to the
    // customer, still sends one (a minute apart), and it lifts the lock, tries afresh.
    let staff = |phone: String, code: &'static str| async move {
        store
            .issue_login_code(
                &phone,
                code,
                ca_counter::server::store::self_service::CodeAsker::Staff,
            )
            .await
            .expect("issue")
    };
    a_minute_ago().await;
    assert_eq!(staff(phone.clone(), "565656").await, CodeIssue::Send);
    assert!(matches!(
        staff(phone.clone(), "575757").await,
        CodeIssue::TooSoon(_)
    ));
    assert_eq!(check(store, &phone, "565656").await, CodeCheck::Right);
    sqlx::query("UPDATE login_codes SET sent_at = sent_at - 61000 WHERE phone = $1")
        .bind(&other)
        .execute(store.pool())
        .await
        .expect("the clock");
    assert_eq!(staff(other.clone(), "333333").await, CodeIssue::Send);
    assert_eq!(check(store, &other, "000000").await, CodeCheck::Wrong(4));
    assert_eq!(check(store, &other, "333333").await, CodeCheck::Right);

    // An expired code does not sign in.
    let late = unique_phone();
    issue(store, &late, "121212").await;
    sqlx::query("UPDATE login_codes SET expires_at = sent_at - 1 WHERE phone = $1")
        .bind(&late)
        .execute(store.pool())
        .await
        .expect("the clock");
    assert_eq!(check(store, &late, "121212").await, CodeCheck::NoCode);

    // A customer's number and an unknown number get the same page, and asking for a code
    // makes no customer.
    let known = app
        .client(&app.clerk)
        .order(&app.submit("周八").await.order_no, true)
        .await;
    let known = known.expect("order").applicant.phone;
    let unknown = unique_phone();
    let mut pages = Vec::new();
    for number in [&known, &unknown] {
        let mut browser = Browser::new(&app);
        browser.get("/login").await;
        let page = browser.post_follow("/login", &[("phone", number)]).await;
        assert_eq!(page.status, StatusCode::OK);
        let masked = format!("{}****{}", &number[..3], &number[7..]);
        let code = page
            .html
            .split_once("本次验证码为 ")
            .map(|(_, rest)| rest.chars().take(6).collect::<String>())
            .expect("demo code");
        // No text goes on a demo platform: none is said to have been sent.
        assert!(!page.html.contains("验证码已发送至"), "{}", page.html);
        let token = browser.token();
        // The demo's code travels signed for its number.
        let signed = hidden(&page.html, "demo");
        pages.push(
            page.html
                .replace(&signed, "SIGNED-CODE")
                .replace(&masked, "MASKED")
                .replace(number.as_str(), "NUMBER")
                .replace(&code, "CODE")
                .replace(&token, "TOKEN"),
        );
    }
    assert_eq!(pages[0], pages[1], "the same answer, customer or not");
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE phone = $1")
        .bind(&unknown)
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(made, 0);
    app.finish().await;
}

async fn sessions_are_listed_and_ended_from_another_device(db: Db) {
    let app = TestApp::spawn(db).await;
    let phone = unique_phone();
    let mut phone_browser = Browser::new(&app);
    sign_in(&mut phone_browser, &phone).await;
    // The next code may be asked for a minute later.
    a_code_may_go_again(&app, &phone).await;
    let mut pc = Browser::new(&app);
    sign_in(&mut pc, &phone).await;
    let account = pc.get("/account").await;
    let ends = account.html.matches("name=\"session\" value=\"").count();
    // One form per other device, and one to end them all.
    assert_eq!(ends, 2, "{}", account.html);
    let other = account
        .html
        .split("name=\"session\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split_once('"'))
        .map(|(id, _)| id.to_owned())
        .expect("the phone's session");
    assert_ne!(other, "all");
    let ended = pc
        .post("/account/sessions/end", &[("session", &other)])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.html);
    // The phone is signed out at its next page; the PC is not.
    let gone = phone_browser.get("/orders").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    let to = gone.location.expect("to sign in");
    assert_eq!(to, "/login?next=%2Forders&ended=1");
    // A form sent from a page opened before (choosing bank transfer for an order) comes
    // back, after signing in, to that order's page — not to the form's action, which is no
    // page.
    let posted = phone_browser
        .post("/orders/HN20261205000004/transfer", &[])
        .await;
    assert_eq!(
        posted.location.as_deref(),
        Some("/login?next=%2Forders%2FHN20261205000004&ended=1")
    );
    // And told why, rather than shown a bare sign-in page.
    let login = phone_browser.get(&to).await;
    assert!(login.html.contains("登录已失效"), "{}", login.html);
    assert_eq!(pc.get("/orders").await.status, StatusCode::OK);
    app.finish().await;
}

async fn a_support_agent_texts_a_login_code_and_the_payment_link_and_never_sees_the_code(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("吴九").await;
    let support = app.client(&app.support);
    let sent = support
        .send_payment_link(&order.order_no)
        .await
        .expect("payment link");
    assert_eq!(sent.outcome, "queued");
    let history = support.history(&order.order_no).await.expect("history");
    let row = history
        .iter()
        .find(|h| h.action == "payment_link_sent")
        .expect("recorded in the order's history");
    assert_eq!(row.actor.name, "support-zhou");
    let admin = app.client(&app.admin);
    let messages = admin.sms_messages().await.expect("outbox");
    let link = format!("{}/orders/{}", app.base, order.order_no);
    assert!(
        messages
            .iter()
            .any(|m| m.kind.as_deref() == Some("payment_link") && m.body.contains(&link)),
        "{messages:?}"
    );
    // Pressed again at once (or by someone else), nothing more is sent: one text every
    // 10 minutes, three a day, for an order.
    let again = support
        .send_payment_link(&order.order_no)
        .await
        .expect("payment link");
    assert_eq!(again.outcome, "too_soon");
    assert!(again.retry_at.is_some());
    let links = |messages: &[ca_counter::api::SmsMessage]| {
        messages
            .iter()
            .filter(|m| m.kind.as_deref() == Some("payment_link"))
            .count()
    };
    assert_eq!(links(&admin.sms_messages().await.expect("outbox")), 1);
    // Three sent to another order within the day, the last an hour ago: no fourth; sent
    // more than a day ago, they do not count.
    for (hours_ago, outcome) in [(1_i64, "daily_limit"), (25, "queued")] {
        let other = app.submit("郑十").await;
        let order_id: String = sqlx::query_scalar("SELECT id FROM orders WHERE order_no = $1")
            .bind(other.order_no.as_str())
            .fetch_one(app.store().pool())
            .await
            .expect("id");
        for extra in 0..3_i64 {
            // The history is append-only: written earlier, not moved back.
            sqlx::query(
                "INSERT INTO order_history (order_id, at, actor_name, action) \
                 VALUES ($1, $2, 'support-zhou', 'payment_link_sent')",
            )
            .bind(&order_id)
            .bind(ca_counter::server::store::now_ms() - (hours_ago + extra) * 3_600_000)
            .execute(app.store().pool())
            .await
            .expect("history");
        }
        let answer = support
            .send_payment_link(&other.order_no)
            .await
            .expect("payment link");
        assert_eq!(answer.outcome, outcome, "{hours_ago} hours ago");
    }
    assert_eq!(links(&admin.sms_messages().await.expect("outbox")), 2);

    // A login code: sent within the customer's own limits, recorded, never shown.
    let customer_id = support
        .order(&order.order_no, false)
        .await
        .expect("order")
        .customer_id;
    // Only the counter and phone support text customers: the back office is refused, and
    // spends none of the customer's limits (the agent's code below still goes).
    for token in [&app.reviewer, &app.mailroom, &app.finance] {
        let back_office = app.client(token);
        let refused = back_office.send_login_code(&customer_id).await.err();
        assert_eq!(
            refused.and_then(|e| e.problem().map(|p| p.status)),
            Some(403)
        );
        let refused = back_office.send_payment_link(&order.order_no).await.err();
        assert_eq!(
            refused.and_then(|e| e.problem().map(|p| p.status)),
            Some(403)
        );
    }
    let code = support
        .send_login_code(&customer_id)
        .await
        .expect("login code");
    assert_eq!(code.outcome, "queued");
    let again = support
        .send_login_code(&customer_id)
        .await
        .expect("login code");
    assert_eq!(again.outcome, "too_soon");
    assert!(again.retry_at.is_some());
    let audit: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor_name, action FROM customer_audit WHERE customer_id = $1 ORDER BY at",
    )
    .bind(&customer_id)
    .fetch_all(app.store().pool())
    .await
    .expect("audit");
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(
        audit
            .iter()
            .all(|(who, what)| who == "support-zhou" && what == "login_code_sent")
    );
    let messages = admin.sms_messages().await.expect("outbox");
    let login = messages
        .iter()
        .find(|m| m.kind.as_deref() == Some("login_code"))
        .expect("the login text");
    assert!(login.body.contains("••••••"), "{}", login.body);

    // Once paid there is nothing to remind of.
    let paid = app.pay(&order).await;
    let late = support.send_payment_link(&paid.order_no).await;
    assert!(late.is_err(), "{late:?}");
    app.finish().await;
}

/// What a form must carry to change anything: a token set by the platform since the
/// customer signed in (one planted before is replaced at sign-in), no other site named as
/// its origin, the version the page was made from, and a sensible length.
async fn a_form_from_elsewhere_a_planted_token_a_stale_or_an_overlong_form_changes_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let counter = app.submit("周八").await;
    let no = counter.order_no.clone();
    let phone = owner_phone(&app, &no).await;
    let mut browser = Browser::new(&app);
    browser.get("/login").await;
    let planted = browser.token();
    sign_in(&mut browser, &phone).await;
    assert_ne!(
        browser.token(),
        planted,
        "signing in gives a new form token"
    );
    let page = browser.get(&format!("/orders/{no}")).await;
    let version = hidden(&page.html, "version");

    // The right cookie and token, sent from another site.
    for (header_name, elsewhere) in [
        ("origin", "http://evil.example"),
        ("origin", "https://127.0.0.1.evil.example"),
        ("referer", "http://evil.example/pay"),
    ] {
        let token = browser.token();
        let refused = browser
            .http
            .post(format!("{}/orders/{no}/transfer", browser.base))
            .header(header::COOKIE, browser.cookie_header())
            .header(header_name, elsewhere)
            .form(&[
                ("version", version.as_str()),
                ("form_token", token.as_str()),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(
            refused.status(),
            StatusCode::FORBIDDEN,
            "{header_name}: {elsewhere}"
        );
    }
    // Without the version its page was made from: as stale as an old one.
    let stale = browser.post(&format!("/orders/{no}/transfer"), &[]).await;
    assert_eq!(stale.status, StatusCode::OK, "{}", stale.html);
    assert!(stale.html.contains("订单状态已变化"), "{}", stale.html);
    assert!(!stale.html.contains("：："), "{}", stale.html);
    // Too long to be a form: said so, not taken for another site's.
    let long = "1".repeat(70 * 1024);
    let overlong = browser
        .post(
            &format!("/orders/{no}/transfer"),
            &[("version", &version), ("note", &long)],
        )
        .await;
    assert_eq!(overlong.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(overlong.html.contains("太长"), "{}", overlong.html);
    let order = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert_eq!(order.status, OrderStatus::PendingPayment, "nothing changed");
    // What no page of ours wrote is a page too, in the customer's words.
    let version_twice = browser
        .post(
            &format!("/orders/{no}/transfer"),
            &[("version", &version), ("version", "x")],
        )
        .await;
    let wrong_way = browser
        .http
        .put(format!("{}/login", browser.base))
        .send()
        .await
        .expect("put");
    let wrong_way = browser.read(wrong_way).await;
    let nowhere = browser.get("/no/such/page").await;
    for (answer, status, words) in [
        (&version_twice, StatusCode::UNPROCESSABLE_ENTITY, "无法读取"),
        (&wrong_way, StatusCode::METHOD_NOT_ALLOWED, "不能这样打开"),
        (&nowhere, StatusCode::NOT_FOUND, "没有这个页面"),
    ] {
        assert_eq!(answer.status, status, "{}", answer.html);
        assert!(
            answer.html.contains(words) && answer.html.contains("<html"),
            "{}",
            answer.html
        );
    }
    // From its own page it goes.
    let chose = browser
        .post(&format!("/orders/{no}/transfer"), &[("version", &version)])
        .await;
    assert_eq!(chose.status, StatusCode::SEE_OTHER, "{}", chose.html);
    app.finish().await;
}

async fn a_customer_corrects_the_address_without_undoing_the_counters_change(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("周八").await;
    let no = order.order_no.to_string();
    let (phone, mut browser) = signed_in_owner(&app, &no).await;
    let page = browser.get(&format!("/orders/{no}")).await;
    let edit = format!("/orders/{no}/edit");
    assert!(
        page.html.contains(&format!("href=\"{edit}\"")),
        "{}",
        page.html
    );
    let form = browser.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(input_value(&form.html, "street"), "麓山南路 932 号");
    let version = hidden(&form.html, "version");
    // What the form was made from goes back with it (hidden), as a browser sends it.
    let names = [
        "recipient",
        "recipient_phone",
        "province",
        "city",
        "district",
        "street",
        "postal_code",
    ];
    let originals: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            (
                format!("orig_{n}"),
                hidden(&form.html, &format!("orig_{n}")),
            )
        })
        .collect();
    let fields = |street: &'static str, postal: &'static str, version: String| {
        let mut out = vec![
            ("version", version),
            ("recipient", "周八".to_owned()),
            ("recipient_phone", phone.clone()),
            ("province", "湖南省".to_owned()),
            ("city", "长沙市".to_owned()),
            ("district", "天心区".to_owned()),
            ("street", street.to_owned()),
            ("postal_code", postal.to_owned()),
        ];
        for (name, value) in &originals {
            out.push((name.as_str(), value.clone()));
        }
        out
    };
    // The page as shown, sent as it is (its inputs, what it was made from, its version).
    let as_shown = |html: &str| {
        let mut out = vec![("version", hidden(html, "version"))];
        for n in names {
            out.push((n, input_value(html, n)));
        }
        out
    };
    let send = async |browser: &mut Browser, path: &str, fields: &[(&str, String)]| {
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser.post(path, &borrowed).await
    };

    // A bad postal code: named beside its field, what was typed kept, nothing saved.
    let bad = send(
        &mut browser,
        &edit,
        &fields("芙蓉中路 1 号", "41", version.clone()),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
    assert!(bad.html.contains("postal_code-error"), "{}", bad.html);
    assert_eq!(input_value(&bad.html, "street"), "芙蓉中路 1 号");
    // Shown at its list of errors: on a small phone the page would open at its top, the
    // errors below the fold.
    assert!(
        bad.html.contains("id=\"error-summary-title\""),
        "{}",
        bad.html
    );
    assert!(
        bad.refusal_address
            .as_deref()
            .is_some_and(|a| a.ends_with("#error-summary-title")),
        "{:?}",
        bad.refusal_address
    );
    // The language switch on the form keeps what was typed and saves nothing.
    let mut switch = fields("芙蓉中路 1 号", "41", version.clone());
    switch.push(("keep", "lang".to_owned()));
    let english = send(&mut browser, &format!("{edit}?lang=en"), &switch).await;
    assert_eq!(english.status, StatusCode::OK, "{}", english.html);
    assert!(
        english.html.contains("Save the corrections"),
        "{}",
        english.html
    );
    assert_eq!(input_value(&english.html, "street"), "芙蓉中路 1 号");
    let unchanged = clerk.order(&no, true).await.expect("order");
    assert_eq!(unchanged.version, order.version);

    // The counter corrects the recipient's phone meanwhile: the customer's form, made
    // from the order before, does not undo it — it is shown again with the news.
    let counter_version = correct_mailing(&clerk, &unchanged, |m| m.phone = "13700137000".into())
        .await
        .version;
    let stale = send(
        &mut browser,
        &edit,
        &fields("芙蓉中路 1 号", "410011", version.clone()),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.html);
    // What was typed stays; the phone the customer left alone is now the counter's.
    assert_eq!(input_value(&stale.html, "street"), "芙蓉中路 1 号");
    assert_eq!(input_value(&stale.html, "recipient_phone"), "13700137000");
    assert_eq!(hidden(&stale.html, "version"), counter_version.to_string());
    // (In English: the switch above left it so.)
    assert!(stale.html.contains("was just changed"), "{}", stale.html);
    let now = clerk.order(&no, true).await.expect("order");
    assert_eq!(now.mailing.phone, "13700137000");
    assert_eq!(now.mailing.street, "麓山南路 932 号");

    // Sent again as shown: saved with both changes, and back on the order's page.
    let mut again = as_shown(&stale.html);
    for n in names {
        again.push((
            match n {
                "recipient" => "orig_recipient",
                "recipient_phone" => "orig_recipient_phone",
                "province" => "orig_province",
                "city" => "orig_city",
                "district" => "orig_district",
                "street" => "orig_street",
                _ => "orig_postal_code",
            },
            hidden(&stale.html, &format!("orig_{n}")),
        ));
    }
    let saved = send(&mut browser, &edit, &again).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    assert_eq!(
        saved.location.as_deref(),
        Some(format!("/orders/{no}?edited=saved").as_str())
    );
    // (Back in Chinese, which the switch above left for English.)
    let shown = browser
        .get(&format!("/orders/{no}?edited=saved&lang=zh-CN"))
        .await;
    assert!(shown.html.contains("已保存修改"), "{}", shown.html);
    let now = clerk.order(&no, true).await.expect("order");
    assert_eq!(now.mailing.street, "芙蓉中路 1 号");
    assert_eq!(now.mailing.phone, "13700137000");
    let history = clerk.history(&no).await.expect("history");
    let by_customer = history
        .iter()
        .rfind(|h| h.action == "edit_details")
        .expect("the customer's correction");
    assert!(
        by_customer.actor.name.starts_with("线上"),
        "{:?}",
        by_customer.actor
    );

    // Once mailed, the page says it can no longer change, and a form sent changes nothing.
    let paid = app.pay(&now).await;
    let approved = app
        .act(&app.reviewer, &paid, Action::Approve, Default::default())
        .await;
    crate::mailing::ship_approved(&app, &approved, "1234567890123").await;
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(!page.html.contains(&format!("href=\"{edit}\"")));
    let closed = browser.get(&edit).await;
    assert!(
        closed.html.contains("证书已经寄出（运单号 1234567890123）"),
        "{}",
        closed.html
    );
    let shipped = clerk.order(&no, false).await.expect("order");
    let late = send(
        &mut browser,
        &edit,
        &fields("太迟了 1 号", "410011", shipped.version.to_string()),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.html);
    let after = clerk.order(&no, true).await.expect("order");
    assert_eq!(after.mailing.street, "芙蓉中路 1 号");
    assert_eq!(after.version, shipped.version);

    // Someone else's order is not there for this customer.
    let other = app.submit("吴九").await;
    let theirs = browser
        .get(&format!("/orders/{}/edit", other.order_no))
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    // Signed out in another tab, then the form sent: to sign in, told it was not sent, and
    // back to the form afterwards.
    browser.post("/logout", &[]).await;
    let lost = send(
        &mut browser,
        &edit,
        &fields("芙蓉中路 3 号", "410011", "9".into()),
    )
    .await;
    assert_eq!(lost.status, StatusCode::SEE_OTHER, "{}", lost.html);
    let to = lost.location.expect("to sign in");
    assert!(to.contains("ended=1"), "{to}");
    assert!(
        to.contains(&format!("next=%2Forders%2F{no}%2Fedit")),
        "{to}"
    );
    app.finish().await;
}

/// Ends every session of the customer with `phone` as if it had been left unused for
/// longer than a session lasts, and lets them ask for a new code at once.
async fn sign_in_ends(app: &TestApp, phone: &str) {
    sqlx::query(
        "UPDATE customer_sessions SET last_seen_at = last_seen_at - 15 * 86400000 \
         WHERE customer_id = (SELECT id FROM customers WHERE phone = $1)",
    )
    .bind(phone)
    .execute(app.store().pool())
    .await
    .expect("the clock");
    a_code_may_go_again(app, phone).await;
}

/// The customer, signed in, through real-name, the certificate and the terms to the
/// application form; its page.
async fn to_the_form(app: &TestApp, browser: &mut Browser, name: &str, id_number: &str) -> String {
    let page = browser.get("/apply").await;
    let started = browser
        .post(
            "/apply",
            &[
                ("action", "realname"),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let realname = started.location.expect("to the verification");
    PhonePage::open(&app.http, &app.url(&realname))
        .await
        .expect("verification page")
        .submit(
            &app.http,
            &[("name", name), ("id_number", id_number), ("consent", "yes")],
        )
        .await
        .expect("verified");
    let product = app.product(ca_counter::domain::UserType::Individual).await;
    for (step, then) in [
        (
            vec![("action", "product"), ("product_id", product.as_str())],
            "/apply?step=terms",
        ),
        (
            vec![("action", "terms"), ("accept", "yes")],
            "/apply?step=form",
        ),
    ] {
        let page = browser.get("/apply").await;
        let version = hidden(&page.html, "version");
        let mut fields = step;
        fields.push(("version", &version));
        let went = browser.post("/apply", &fields).await;
        assert_eq!(went.location.as_deref(), Some(then), "{}", went.html);
    }
    let form = browser.get("/apply").await;
    assert!(form.html.contains("id=\"apply-form\""), "{}", form.html);
    form.html
}

async fn a_form_sent_after_the_sign_in_ended_is_given_back_to_its_customer(db: Db) {
    let app = TestApp::spawn(db).await;
    // A customer with an earlier order: the new form starts from it.
    let earlier = app.submit("王小明").await;
    let (phone, mut browser) = signed_in_owner(&app, earlier.order_no.as_str()).await;
    let form = to_the_form(&app, &mut browser, "王小明", "11010519491231002X").await;
    assert!(form.contains("已按您上次的订单"), "{form}");
    // In English, the address is asked for in Chinese (the courier's), said above it.
    assert!(!form.contains("Write the address in Chinese"), "{form}");
    let english = browser.get("/apply?step=form&lang=en").await;
    assert!(
        english
            .html
            .contains("Write the address in Chinese characters"),
        "{}",
        english.html
    );
    browser.get("/apply?step=form&lang=zh-CN").await;

    // The form is filled in on a page left open while the sign-in ran out, then sent.
    sign_in_ends(&app, &phone).await;
    let (version, draft) = (hidden(&form, "version"), hidden(&form, "draft"));
    let typed = [
        ("action", "form"),
        ("version", version.as_str()),
        ("draft", draft.as_str()),
        ("phone", phone.as_str()),
        ("email", ""),
        ("recipient", "王小明"),
        ("recipient_phone", "13900001111"),
        ("province", "湖南省"),
        ("city", "长沙市"),
        ("district", "岳麓区"),
        ("street", "桐梓坡路 88 号 3 栋 1204"),
        ("postal_code", "410013"),
    ];
    let sent = browser.post("/apply", &typed).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    assert_eq!(
        sent.location.as_deref(),
        Some("/login?next=%2Fapply&ended=1&kept=1")
    );
    let stash = sent
        .set_cookies
        .iter()
        .find(|c| c.starts_with("cac_stash="))
        .expect("a cookie for what was kept");
    assert!(
        stash.contains("HttpOnly") && stash.contains("Max-Age=3600"),
        "{stash}"
    );
    let login = browser.get("/login?next=%2Fapply&ended=1&kept=1").await;
    assert!(login.html.contains("已暂存一小时"), "{}", login.html);
    // Kept apart, not saved into the application, and without the form token.
    let saved: String = sqlx::query_scalar("SELECT data_json FROM customer_drafts WHERE id = $1")
        .bind(&draft)
        .fetch_one(app.store().pool())
        .await
        .expect("the draft");
    assert!(!saved.contains("桐梓坡路"), "{saved}");
    let body: String = sqlx::query_scalar("SELECT body FROM form_stashes")
        .fetch_one(app.store().pool())
        .await
        .expect("the stash");
    assert!(!body.contains("form_token"), "{body}");

    // Someone else signs in on this browser first: they see none of it, and it waits.
    let someone = unique_phone();
    sign_in(&mut browser, &someone).await;
    let theirs = browser.get("/apply").await;
    assert!(!theirs.html.contains("桐梓坡路"), "{}", theirs.html);
    assert!(
        !theirs
            .set_cookies
            .iter()
            .any(|c| c.starts_with("cac_stash=")),
        "{:?}",
        theirs.set_cookies
    );
    browser.post("/logout", &[]).await;
    // Signed in again: the form is filled back in, said so, and still not sent.
    sign_in(&mut browser, &phone).await;
    let back = browser.get("/apply").await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.html);
    assert!(back.html.contains("已填回"), "{}", back.html);
    // What they typed is what the form shows now, not the earlier order's details.
    assert!(!back.html.contains("已按您上次的订单"), "{}", back.html);
    assert_eq!(
        input_value(&back.html, "street"),
        "桐梓坡路 88 号 3 栋 1204"
    );
    assert_eq!(input_value(&back.html, "postal_code"), "410013");
    assert!(
        back.set_cookies
            .iter()
            .any(|c| c.starts_with("cac_stash=;")),
        "{:?}",
        back.set_cookies
    );
    // Given once.
    let again = browser.get("/apply").await;
    assert!(!again.html.contains("已填回"), "{}", again.html);
    assert!(!again.html.contains("桐梓坡路"), "{}", again.html);

    // A tab left open on the form while the customer signed out and in again: its form
    // carries the earlier sign-in's token. Not taken, but not lost: given back on its page.
    {
        let earlier = browser.token();
        let version = hidden(&again.html, "version");
        browser.post("/logout", &[]).await;
        a_code_may_go_again(&app, &phone).await;
        sign_in(&mut browser, &phone).await;
        assert_ne!(browser.token(), earlier, "a new token at sign-in");
        let mut stale: Vec<(&str, &str)> = vec![("form_token", &earlier)];
        stale.extend(typed.iter().filter(|(k, _)| *k != "version").copied());
        stale.push(("version", &version));
        let sent = browser.post("/apply", &stale).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
        let back = browser.followed(sent).await;
        assert!(back.html.contains("已填回"), "{}", back.html);
        assert_eq!(
            input_value(&back.html, "street"),
            "桐梓坡路 88 号 3 栋 1204"
        );
        let saved: String =
            sqlx::query_scalar("SELECT data_json FROM customer_drafts WHERE id = $1")
                .bind(&draft)
                .fetch_one(app.store().pool())
                .await
                .expect("the draft");
        assert!(!saved.contains("桐梓坡路"), "not taken: {saved}");
        // Another customer signed in on this browser since (a shared computer): the form
        // is not theirs, so it is not given to them; the page says it expired.
        {
            let earlier = browser.token();
            browser.post("/logout", &[]).await;
            sign_in(&mut browser, &unique_phone()).await;
            let mut theirs: Vec<(&str, &str)> = vec![("form_token", &earlier)];
            theirs.extend(typed.iter().copied());
            let refused = browser.post("/apply", &theirs).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
            assert!(refused.html.contains("这个页面已过期"), "{}", refused.html);
            assert!(
                !refused
                    .set_cookies
                    .iter()
                    .any(|c| c.starts_with("cac_stash=")),
                "{:?}",
                refused.set_cookies
            );
            let page = browser.get("/apply").await;
            assert!(!page.html.contains("桐梓坡路"), "{}", page.html);
            browser.post("/logout", &[]).await;
            a_code_may_go_again(&app, &phone).await;
            sign_in(&mut browser, &phone).await;
        }
        // A short form of such a page (nothing much typed): said to have expired, not
        // to come from another website.
        let stale_out = browser
            .post("/logout", &[("form_token", earlier.as_str())])
            .await;
        assert_eq!(stale_out.status, StatusCode::FORBIDDEN);
        assert!(
            stale_out.html.contains("这个页面已过期") && !stale_out.html.contains("其他网站"),
            "{}",
            stale_out.html
        );
        // Without the browser's word that it is our page's: refused as before.
        let bare = reqwest::Client::new()
            .post(format!("{}/apply", app.base))
            .header(reqwest::header::COOKIE, browser.cookie_header())
            .form(&[("form_token", earlier.as_str()), ("action", "form")])
            .send()
            .await
            .expect("a post");
        assert_eq!(bare.status(), StatusCode::FORBIDDEN);
        let bare = bare.text().await.expect("its page");
        assert!(bare.contains("其他网站"), "{bare}");
        // The customer's own pages: no counter's code to scan again.
        assert!(
            bare.contains("请打开本平台的页面重新操作") && !bare.contains("柜台的二维码"),
            "{bare}"
        );
        a_code_may_go_again(&app, &phone).await;
    }
    let again = browser.get("/apply").await;

    // Signed out in another tab of this browser, then the form sent from this one: kept
    // too (the sign-out's token names whose it is).
    {
        let mut tab = Browser::new(&app);
        a_code_may_go_again(&app, &phone).await;
        sign_in(&mut tab, &phone).await;
        // The new session's page, typed in, then signed out from a second tab.
        let page = tab.get("/apply?step=form").await;
        let version = hidden(&page.html, "version");
        tab.post("/logout", &[]).await;
        let mut again: Vec<(&str, &str)> = typed
            .iter()
            .filter(|(k, _)| *k != "version")
            .copied()
            .collect();
        again.push(("version", &version));
        let sent = tab.post("/apply", &again).await;
        assert!(
            sent.location
                .as_deref()
                .is_some_and(|l| l.contains("kept=1")),
            "{:?}",
            sent.location
        );
        let restored = {
            a_code_may_go_again(&app, &phone).await;
            sign_in(&mut tab, &phone).await;
            tab.get("/apply").await
        };
        assert!(restored.html.contains("已填回"), "{}", restored.html);
        a_code_may_go_again(&app, &phone).await;
    }

    // The form open in two tabs: the one sent second is shown again as typed, unsaved,
    // and said so — not swapped for the other tab's next step.
    let version = hidden(&again.html, "version");
    let tab = |field: &'static str, value: &'static str| {
        typed
            .iter()
            .map(|(k, v)| match *k {
                "version" => (*k, version.clone()),
                k if k == field => (k, value.to_owned()),
                k => (k, (*v).to_owned()),
            })
            .collect::<Vec<(&str, String)>>()
    };
    let send = async |browser: &mut Browser, fields: Vec<(&str, String)>| {
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser.post("/apply", &borrowed).await
    };
    let first = send(&mut browser, tab("street", "湘府路 1 号")).await;
    assert_eq!(
        first.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        first.html
    );
    let second = send(&mut browser, tab("postal_code", "410001")).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.html);
    assert!(second.html.contains("还没有保存"), "{}", second.html);
    assert_eq!(input_value(&second.html, "postal_code"), "410001");
    assert_ne!(hidden(&second.html, "version"), version);
    // The province typed short or in pinyin is kept, and shown back, in full.
    let version = hidden(&second.html, "version");
    let pinyin: Vec<(&str, String)> = tab("province", "Hunan")
        .into_iter()
        .map(|(k, v)| {
            if k == "version" {
                (k, version.clone())
            } else {
                (k, v)
            }
        })
        .collect();
    let saved = send(&mut browser, pinyin).await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        saved.html
    );
    let form = browser.get("/apply?step=form").await;
    assert_eq!(input_value(&form.html, "province"), "湖南省");
    // The home page offers to go on with it, not a new one.
    let home = browser.get("/").await;
    assert!(home.html.contains("继续填写申请"), "{}", home.html);

    // The correction form, the same way; the counter changes the order meanwhile.
    let clerk = app.client(&app.clerk);
    let order = app.submit("周八").await;
    let no = order.order_no.to_string();
    let owner = owner_phone(&app, &no).await;
    let mut customer = Browser::new(&app);
    sign_in(&mut customer, &owner).await;
    let edit = format!("/orders/{no}/edit");
    let page = customer.get(&edit).await;
    sign_in_ends(&app, &owner).await;
    let mut fields: Vec<(String, String)> = [
        "recipient",
        "recipient_phone",
        "province",
        "city",
        "district",
        "street",
        "postal_code",
    ]
    .iter()
    .flat_map(|n| {
        [
            (n.to_string(), input_value(&page.html, n)),
            (
                format!("orig_{n}"),
                hidden(&page.html, &format!("orig_{n}")),
            ),
        ]
    })
    .collect();
    fields.push(("version".into(), hidden(&page.html, "version")));
    for (name, value) in &mut fields {
        if name == "street" {
            *value = "芙蓉中路 8 号".into();
        }
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // A customer has one stash at most, the form sent last, whatever pages were posted to.
    let elsewhere = customer
        .post("/orders/HN20990101000001/edit", &borrowed)
        .await;
    assert!(
        elsewhere
            .location
            .as_deref()
            .is_some_and(|l| l.contains("kept=1")),
        "{:?}",
        elsewhere.location
    );
    let sent = customer.post(&edit, &borrowed).await;
    let stashes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM form_stashes WHERE customer_id = \
         (SELECT id FROM customers WHERE phone = $1)",
    )
    .bind(&owner)
    .fetch_one(app.store().pool())
    .await
    .expect("stashes");
    assert_eq!(stashes, 1);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("/login?next=%2Forders%2F{no}%2Fedit&ended=1&kept=1").as_str()),
        "{}",
        sent.html
    );
    let before = clerk.order(&no, true).await.expect("order");
    correct_mailing(&clerk, &before, |m| m.postal_code = "410005".into()).await;
    // Someone else signing in on this browser is not given it.
    let stranger = unique_phone();
    let mut shared = Browser::new(&app);
    sign_in(&mut shared, &stranger).await;
    let token = sent
        .set_cookies
        .iter()
        .find_map(|c| c.strip_prefix("cac_stash="))
        .and_then(|c| c.split(';').next())
        .expect("the stash's cookie")
        .to_owned();
    let customer_id: String = sqlx::query_scalar("SELECT id FROM customers WHERE phone = $1")
        .bind(&stranger)
        .fetch_one(app.store().pool())
        .await
        .expect("the stranger");
    assert_eq!(
        app.store()
            .take_stash(&token, &customer_id, &edit)
            .await
            .expect("stash"),
        None
    );
    // The customer is: what they typed, brought up to the counter's change, not sent.
    sign_in(&mut customer, &owner).await;
    let back = customer.get(&edit).await;
    assert!(back.html.contains("已填回"), "{}", back.html);
    assert_eq!(input_value(&back.html, "street"), "芙蓉中路 8 号");
    assert_eq!(input_value(&back.html, "postal_code"), "410005");
    let now = clerk.order(&no, true).await.expect("order");
    assert_eq!(now.mailing.street, before.mailing.street);
    assert_eq!(now.mailing.postal_code, "410005");
    app.finish().await;
}

async fn a_cancelled_or_uninvoiced_order_says_so_on_the_customers_page(db: Db) {
    let app = TestApp::spawn(db).await;
    let cancelled = app.submit("陈七").await;
    let phone = owner_phone(&app, cancelled.order_no.as_str()).await;
    app.act(
        &app.clerk,
        &cancelled,
        Action::Cancel,
        ActionRequest {
            reason: Some("客户改为机构证书".into()),
            ..Default::default()
        },
    )
    .await;
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    let page = browser
        .get(&format!("/orders/{}", cancelled.order_no))
        .await;
    assert!(
        page.html.contains("取消原因：客户改为机构证书"),
        "{}",
        page.html
    );
    // Its receipt is offered as what it is, not as proof of a payment to come.
    assert!(
        page.html.contains("记有订单取消") && !page.html.contains("付款后即为付款凭证"),
        "{}",
        page.html
    );

    // Mailed, and finance closes it without an invoice: the page does not say "nothing
    // more" alone — it says no invoice came, and whom to call for one.
    let order = app.submit("陈七").await;
    let paid = app.pay(&order).await;
    let approved = app
        .act(&app.reviewer, &paid, Action::Approve, Default::default())
        .await;
    let shipped = crate::mailing::ship_approved(&app, &approved, "1234567890128").await;
    app.act(
        &app.finance,
        &shipped,
        Action::DeclineInvoice,
        Default::default(),
    )
    .await;
    let owner = owner_phone(&app, order.order_no.as_str()).await;
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &owner).await;
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(
        page.html.contains("已确认不开发票") && !page.html.contains("如需发票"),
        "{}",
        page.html
    );
    app.finish().await;
}

/// A script asking for sign-in codes for number after number from one address: each
/// number's own limits never stop it, the address's does (the CA pays for each text).
/// Behind the platform's trusted proxy (loopback here) the address is the one the proxy
/// forwards, so two customers behind it are counted apart.
async fn one_address_has_only_so_many_numbers_texted_an_hour(db: Db) {
    let config = ca_counter::config::PlatformConfig {
        sign_in_codes_per_address_hour: 3,
        ..Default::default()
    };
    let app = TestApp::spawn_with(db, config).await;
    let admin = app.client(&app.admin);
    let texted = |phone: String| {
        let admin = admin.clone();
        async move {
            admin
                .sms_messages()
                .await
                .expect("sms")
                .iter()
                .filter(|m| m.phone == phone)
                .count()
        }
    };
    let mut browser = Browser::new(&app);
    browser.get("/login").await;
    for _ in 0..3 {
        let phone = unique_phone();
        let sent = browser.post_follow("/login", &[("phone", &phone)]).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.html);
        assert_eq!(texted(phone).await, 1);
    }
    let phone = unique_phone();
    let refused = browser.post_follow("/login", &[("phone", &phone)]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused.html.contains("从这个网络请求的验证码过多") && refused.html.contains("400"),
        "{}",
        refused.html
    );
    // What was typed stays in the form.
    assert!(refused.html.contains(&phone), "{}", refused.html);
    assert_eq!(texted(phone.clone()).await, 0);
    // Another customer behind the proxy is another address; the first one's count holds.
    let forwarded = [("x-forwarded-for", "203.0.113.9")];
    let sent = browser
        .post_with("/login", &[("phone", &phone)], &forwarded)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    assert_eq!(texted(phone).await, 1);
    let again = browser
        .post_follow("/login", &[("phone", &unique_phone())])
        .await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
    // An IPv6 client taking a new address of its /64 for each number is one client.
    let mut sent = 0;
    for host in 1..=5 {
        let address = format!("2001:db8:9:9::{host}");
        let answer = browser
            .post_with(
                "/login",
                &[("phone", &unique_phone())],
                &[("x-forwarded-for", address.as_str())],
            )
            .await;
        if answer.status == StatusCode::SEE_OTHER {
            sent += 1;
        }
    }
    assert_eq!(sent, 3, "three numbers an hour from one /64");
    app.finish().await;
}

/// Back to the project list, a product tapped on a page older than the application: the
/// product tapped is taken (its terms shown, what was accepted for the other undone), not
/// the one the application had on a page that looks as if the tap went through.
async fn a_product_tapped_on_a_page_left_behind_is_the_one_taken(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &unique_phone()).await;
    let form = to_the_form(&app, &mut browser, "王小明", "11010519491231002X").await;
    let first = app.product(ca_counter::domain::UserType::Individual).await;
    // The form says what it applies for, with the way back to choose again.
    let first_name: String = sqlx::query_scalar("SELECT name FROM products WHERE id = $1")
        .bind(&first)
        .fetch_one(app.store().pool())
        .await
        .expect("the product");
    assert!(
        form.contains(&first_name) && form.contains("name=\"keep\" value=\"product\""),
        "{form}"
    );
    // Choosing again from the form keeps what was typed there.
    let chose_again = browser
        .post(
            "/apply",
            &[
                ("action", "form"),
                ("keep", "product"),
                ("version", &hidden(&form, "version")),
                ("street", "麓山南路 932 号"),
            ],
        )
        .await;
    assert_eq!(
        chose_again.location.as_deref(),
        Some("/apply?step=project"),
        "{}",
        chose_again.html
    );
    let kept = browser.get("/apply").await;
    assert!(kept.html.contains("麓山南路 932 号"), "{}", kept.html);
    let form = kept.html;
    let (other, other_name): (String, String) = sqlx::query_as(
        "SELECT id, name FROM products WHERE user_type = 'individual' AND id <> $1 \
         ORDER BY price_fen DESC LIMIT 1",
    )
    .bind(&first)
    .fetch_one(app.store().pool())
    .await
    .expect("another product");
    // A search that finds nothing leads on to every project.
    let none = browser.get("/apply?step=project&q=zzzzzz").await;
    assert!(
        none.html.contains("没有找到相符的项目")
            && none.html.contains("href=\"/apply?step=project&amp;all=1\""),
        "{}",
        none.html
    );
    // In English each product says whom it is for (the catalog's names are Chinese).
    let english = browser
        .get("/apply?step=project&q=%E6%B9%98%E6%BD%AD&lang=en")
        .await;
    assert!(
        english.html.contains("for an organisation") && english.html.contains("for a person"),
        "{}",
        english.html
    );
    // In Chinese the name says so already: not twice.
    let chinese = browser
        .get("/apply?step=project&q=%E6%B9%98%E6%BD%AD&lang=zh-CN")
        .await;
    assert!(
        !chinese.html.contains("个人证书（1年） · 个人证书"),
        "{}",
        chinese.html
    );
    // The list as it was before the product and the terms were saved.
    let old_version = (hidden(&form, "version").parse::<i64>().unwrap_or(2) - 2).to_string();
    let tapped = browser
        .post(
            "/apply",
            &[
                ("action", "product"),
                ("product_id", &other),
                ("version", &old_version),
            ],
        )
        .await;
    assert_eq!(tapped.status, StatusCode::SEE_OTHER, "{}", tapped.html);
    let terms = browser.get("/apply").await;
    assert!(terms.html.contains(&other_name), "{}", terms.html);
    assert!(terms.html.contains("name=\"accept\""), "{}", terms.html);
    assert!(
        !terms.html.contains("已在另一个页面中更新"),
        "{}",
        terms.html
    );
    // Whom it is for is not said twice (the product's name says it).
    assert!(other_name.contains("个人证书"), "{other_name}");
    assert!(
        !terms.html.contains(&format!("{other_name} · 个人证书")),
        "{}",
        terms.html
    );
    app.finish().await;
}

/// Five wrong codes lock the number; "send again" then says until when, on the number's
/// form — not "a code was sent" with the old code beside the lock.
async fn a_locked_number_asking_again_is_told_so_and_shown_no_code(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    browser.get("/login").await;
    let phone = unique_phone();
    let sent = browser.post_follow("/login", &[("phone", &phone)]).await;
    let demo = hidden(&sent.html, "demo");
    let wrong = if demo.starts_with("000000") {
        "111111"
    } else {
        "000000"
    };
    let mut last = None;
    for _ in 0..5 {
        last = Some(
            browser
                .post_follow(
                    "/login/code",
                    &[("phone", &phone), ("code", wrong), ("demo", &demo)],
                )
                .await,
        );
    }
    // The fifth wrong code: said locked until when, with the hotline, and nothing offered
    // that cannot work then (no code field, no "send again", no demo code).
    let locked = last.expect("tries").html;
    assert!(
        locked.contains("已锁定至") && locked.contains("400-"),
        "{locked}"
    );
    // Whoever typed them: the owner of the number may not have.
    assert!(locked.contains("不一定是您输的"), "{locked}");
    for gone in ["name=\"code\"", "重新发送", "本次验证码为"] {
        assert!(!locked.contains(gone), "{gone}: {locked}");
    }
    assert!(locked.contains("用其他手机号登录"), "{locked}");
    // Support, with the caller on the phone, reads the lock and until when (the number
    // is nobody's customer yet: it never got in); never the code.
    let support = app.client(&app.support);
    let standing = support.sign_in_standing(&phone).await.expect("standing");
    assert_eq!(standing.codes_today, 1, "{standing:?}");
    assert!(standing.locked_until.is_some(), "{standing:?}");
    // The wrong codes that locked it, not "none wrong" beside the lock.
    assert_eq!(standing.wrong_tries, 5, "{standing:?}");
    assert!(support.find_customer(&phone).await.expect("find").is_none());
    let nobody = support
        .sign_in_standing(&unique_phone())
        .await
        .expect("a number never used");
    assert_eq!(nobody, ca_counter::api::SignInStanding::default());
    let bad = support.sign_in_standing("12345").await.err();
    assert_eq!(bad.and_then(|e| e.problem().map(|p| p.status)), Some(422));
    // Only for those who help customers sign in (the counter and phone support).
    let finance = app
        .client(&app.finance)
        .sign_in_standing(&phone)
        .await
        .err();
    assert_eq!(
        finance.and_then(|e| e.problem().map(|p| p.status)),
        Some(403)
    );
    let again = browser
        .post_follow("/login", &[("phone", &phone), ("demo", &demo)])
        .await;
    assert_eq!(
        again.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        again.html
    );
    assert!(again.html.contains("已锁定至"), "{}", again.html);
    assert!(!again.html.contains("本次验证码为"), "{}", again.html);
    assert!(!again.html.contains("验证码已发送"), "{}", again.html);
    app.finish().await;
}

/// Each step of the application is a page of its own: the browser's Back from a step shows
/// the one before (the terms as accepted, the verification said done), and going on from
/// there again loses nothing the application had reached.
async fn back_from_a_step_shows_the_step_before_and_going_on_loses_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &unique_phone()).await;
    // `/apply` (home's link) leads on to the step the application is at, at its address.
    let entry = browser.get_once("/apply").await;
    assert_eq!(entry.location.as_deref(), Some("/apply?step=realname"));
    // A step not reached yet (Back past an application submitted since, into this new
    // one): the step it is at, at its own address — the address says what is shown.
    let ahead = browser.get_once("/apply?step=scan").await;
    assert_eq!(ahead.status, StatusCode::SEE_OTHER);
    assert_eq!(ahead.location.as_deref(), Some("/apply?step=realname"));
    let form = to_the_form(&app, &mut browser, "王小明", "11010519491231002X").await;
    let entry = browser.get_once("/apply").await;
    assert_eq!(entry.location.as_deref(), Some("/apply?step=form"));

    // Back from the form: the terms, as accepted; again: the projects; once more: the
    // verification, said done, with the way on.
    let terms = browser.get("/apply?step=terms").await;
    assert!(
        terms.html.contains("aria-current=\"step\">阅读协议"),
        "{}",
        terms.html
    );
    assert!(
        terms.html.contains("name=\"accept\"") && terms.html.contains("checked"),
        "{}",
        terms.html
    );
    let projects = browser.get("/apply?step=project").await;
    assert!(
        projects.html.contains("name=\"product_id\""),
        "{}",
        projects.html
    );
    let realname = browser.get("/apply?step=realname").await;
    assert!(
        realname
            .html
            .contains("您已通过实名认证：王小明 1101**********002X")
            && realname.html.contains("href=\"/apply?step=project\"")
            && !realname.html.contains("value=\"realname\""),
        "{}",
        realname.html
    );
    // On again from the terms: the form, at its own address.
    let on = accept_terms(&mut browser, &terms.html).await;
    assert_eq!(
        on.location.as_deref(),
        Some("/apply?step=form"),
        "{}",
        on.html
    );

    // The form filled in leads to the print step; printed, to the scan step.
    let phone = input_value(&form, "phone");
    let form = browser.get("/apply?step=form").await;
    let version = hidden(&form.html, "version");
    let filled = browser
        .post(
            "/apply",
            &[
                ("action", "form"),
                ("version", &version),
                ("phone", &phone),
                ("email", ""),
                ("recipient", "王小明"),
                ("recipient_phone", "13900001111"),
                ("province", "湖南省"),
                ("city", "长沙市"),
                ("district", "岳麓区"),
                ("street", "麓山南路 1 号"),
                ("postal_code", "410083"),
            ],
        )
        .await;
    assert_eq!(
        filled.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        filled.html
    );
    let print = browser.get("/apply?step=print").await;
    let printed = browser
        .post(
            "/apply",
            &[
                ("action", "printed"),
                ("version", &hidden(&print.html, "version")),
            ],
        )
        .await;
    assert_eq!(printed.location.as_deref(), Some("/apply?step=scan"));
    // A white page sent as the signed form: refused, said why (taken with "no code read",
    // the customer paid and had it returned).
    let scan = browser.get("/apply?step=scan").await;
    let white = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::GrayImage::from_pixel(827, 1169, image::Luma([250]))
            .write_to(&mut out, image::ImageFormat::Png)
            .expect("png");
        out.into_inner()
    };
    let blank = browser
        .upload(
            "/apply/scan",
            &hidden(&scan.html, "version"),
            white,
            "image/png",
        )
        .await;
    // Said on the scan step it goes back to.
    let said = match blank.location.as_deref() {
        Some(to) => browser.get(to).await.html,
        None => blank.html,
    };
    assert!(said.contains("看不出申请表"), "{said}");

    // Back to the terms from the scan step and on again: the application is still at the
    // scan, not asked to print the paper once more.
    let terms = browser.get("/apply?step=terms").await;
    let on = accept_terms(&mut browser, &terms.html).await;
    assert_eq!(on.location.as_deref(), Some("/apply?step=form"));
    let entry = browser.get_once("/apply").await;
    assert_eq!(entry.location.as_deref(), Some("/apply?step=scan"));
    // Back from the page refusing a photo over the limit (refused before anything read
    // it): the limit said beside the upload.
    let back = browser.get("/apply?step=scan&too_large=1").await;
    assert!(back.html.contains("这个文件超过了"), "{}", back.html);
    assert!(
        !browser
            .get("/apply?step=scan")
            .await
            .html
            .contains("这个文件超过了")
    );

    // A street changed while switching language, then put back as it was: no change to
    // the paper — the same reference, not printed again.
    let reference = |html: &str| {
        html.split("SQ")
            .nth(1)
            .map(|rest| rest.chars().take(8).collect::<String>())
            .unwrap_or_else(|| panic!("no reference in {html}"))
    };
    let before = reference(&browser.get("/apply?step=print").await.html);
    let form = browser.get("/apply?step=form").await;
    let fields = |street: &'static str, version: String| {
        vec![
            ("action", "form".to_owned()),
            ("version", version),
            ("phone", phone.clone()),
            ("email", String::new()),
            ("recipient", "王小明".to_owned()),
            ("recipient_phone", "13900001111".to_owned()),
            ("province", "湖南省".to_owned()),
            ("city", "长沙市".to_owned()),
            ("district", "岳麓区".to_owned()),
            ("street", street.to_owned()),
            ("postal_code", "410083".to_owned()),
        ]
    };
    let mut switched = fields("麓山南路 9 号", hidden(&form.html, "version"));
    switched.push(("keep", "lang".to_owned()));
    let borrowed: Vec<(&str, &str)> = switched.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let went = browser.post("/apply?lang=en", &borrowed).await;
    assert_eq!(went.location.as_deref(), Some("/apply?step=form"));
    let form = browser.get("/apply?step=form&lang=zh-CN").await;
    let back = fields("麓山南路 1 号", hidden(&form.html, "version"));
    let borrowed: Vec<(&str, &str)> = back.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = browser.post("/apply", &borrowed).await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        saved.html
    );
    let print = browser.get("/apply?step=print").await;
    assert_eq!(reference(&print.html), before);
    assert!(!print.html.contains("请重新打印"), "{}", print.html);

    // A real change: a new reference, and the print step says why, however it is reached.
    let form = browser.get("/apply?step=form").await;
    let changed = fields("麓山南路 2 号", hidden(&form.html, "version"));
    let borrowed: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post("/apply", &borrowed).await;
    let print = browser.get("/apply?step=print").await;
    assert_ne!(reference(&print.html), before);
    assert!(print.html.contains("请重新打印"), "{}", print.html);

    // Changed back, and checked so: the form says again what the first paper says, and
    // that paper's reference comes back — the paper printed, signed and stamped is this
    // application's again, not "the form printed before your change".
    let form = browser.get("/apply?step=form").await;
    let undone = fields("麓山南路 1 号", hidden(&form.html, "version"));
    let borrowed: Vec<(&str, &str)> = undone.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post("/apply", &borrowed).await;
    let print = browser.get("/apply?step=print").await;
    assert_eq!(reference(&print.html), before, "{}", print.html);
    assert!(!print.html.contains("请重新打印"), "{}", print.html);
    // And a change after that is a change to that paper: a new reference again, never the
    // first paper's standing for what it does not say.
    let form = browser.get("/apply?step=form").await;
    let third = fields("麓山南路 3 号", hidden(&form.html, "version"));
    let borrowed: Vec<(&str, &str)> = third.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post("/apply", &borrowed).await;
    let print = browser.get("/apply?step=print").await;
    assert_ne!(reference(&print.html), before, "{}", print.html);
    assert!(print.html.contains("请重新打印"), "{}", print.html);
    app.finish().await;
}

/// A form the platform refuses is answered by a redirect to a page of its own (post,
/// redirect, get): a reload or Back there shows the refusal again, in this browser only,
/// and never asks to send the form again.
async fn a_refused_form_is_a_page_of_its_own_for_the_browser_that_sent_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    browser.get("/login").await;
    let refused = browser.post("/login", &[("phone", "1390000")]).await;
    let address = refused
        .refusal_address
        .clone()
        .expect("the refusal at an address of its own");
    assert!(address.starts_with("/login?answer="), "{address}");
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("phone-error") && refused.html.contains("1390000"),
        "{}",
        refused.html
    );
    // A reload: the same page, nothing sent.
    let again = browser.get_once(&address).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.html, refused.html);
    // Another browser given the address sees nothing of it: the sign-in page as it is.
    let mut other = Browser::new(&app);
    other.get("/login").await;
    let elsewhere = other.get_once(&address).await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
    assert_eq!(elsewhere.location.as_deref(), Some("/login"));
    // A form the platform takes is a redirect as before, not a kept page.
    let phone = unique_phone();
    let taken = browser.post("/login", &[("phone", &phone)]).await;
    assert!(taken.refusal_address.is_none());
    assert!(
        taken
            .location
            .as_deref()
            .is_some_and(|l| !l.contains("answer=")),
        "{:?}",
        taken.location
    );
    app.finish().await;
}

/// The text of a PDF the signed-in `browser` downloads from `path` (squeezed of spaces).
async fn pdf_of(browser: &Browser, path: &str) -> String {
    let response = browser
        .http
        .get(format!("{}{path}", browser.base))
        .header(header::COOKIE, browser.cookie_header())
        .send()
        .await
        .expect("pdf");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let bytes = response.bytes().await.expect("pdf");
    let name = path.trim_start_matches('/').replace('/', "-");
    crate::pdf_documents::text_of(&name, &bytes)
        .split_whitespace()
        .collect()
}

/// The terms accepted on `page` (the terms step as the browser has it).
async fn accept_terms(browser: &mut Browser, page: &str) -> crate::common::customer::Answer {
    let version = hidden(page, "version");
    browser
        .post(
            "/apply",
            &[
                ("action", "terms"),
                ("accept", "yes"),
                ("version", &version),
            ],
        )
        .await
}

/// On a PC, starting the verification shows the QR code for the phone at the real-name
/// step's own address: reload and Back there show it again, never "send the form again?".
/// The code holds the verification's bearer token, which the platform keeps only hashed:
/// it stays in this browser's cookie (HttpOnly, SameSite=Strict), never in an address, and
/// no page holding it is kept to be shown again.
async fn the_pcs_verification_code_is_never_kept_to_be_shown_again(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut pc = pc_browser(&app);
    sign_in(&mut pc, &unique_phone()).await;
    let page = pc.get("/apply").await;
    let started = pc
        .post(
            "/apply",
            &[
                ("action", "realname"),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.html);
    assert_eq!(started.location.as_deref(), Some("/apply?step=realname"));
    let cookie = started
        .set_cookies
        .iter()
        .find(|c| c.starts_with("cac_rn="))
        .expect("the code's cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let shown = pc.get("/apply?step=realname").await;
    let token = code_token(&shown.html);
    assert!(
        shown.html.contains("data:image/svg+xml") && shown.html.contains("分钟内有效"),
        "{}",
        shown.html
    );
    // Reloaded: the same code.
    let again = pc.get("/apply?step=realname").await;
    assert_eq!(code_token(&again.html), token);
    // Its time run out: the PC says so, with the way to a new one (not the step's start as
    // if none had been shown); the phone says to start again from the application.
    sqlx::query("UPDATE realname_sessions SET expires_at = 1")
        .execute(app.store().pool())
        .await
        .expect("ran out");
    let gone = pc.get("/apply?step=realname").await;
    assert!(gone.html.contains("这个二维码已失效"), "{}", gone.html);
    let phone = PhonePage::open(&app.http, &app.url(&format!("/m/realname/{token}")))
        .await
        .expect("the phone");
    assert!(phone.html.contains("请重新开始实名认证"), "{}", phone.html);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM refusal_pages")
        .fetch_one(app.store().pool())
        .await
        .expect("count");
    assert_eq!(kept, 0);
    app.finish().await;
}

/// A desktop browser.
fn pc_browser(app: &TestApp) -> Browser {
    Browser::with_agent(
        app,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    )
}

/// The address of a new real-name code `computer` (signed in) shows at the application's
/// step, as the phone that scans it opens it.
async fn code_shown(app: &TestApp, computer: &mut Browser) -> String {
    let page = computer.get("/apply").await;
    computer
        .post(
            "/apply",
            &[
                ("action", "realname"),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let shown = computer.get("/apply?step=realname").await;
    app.url(&format!("/m/realname/{}", code_token(&shown.html)))
}

/// The bearer token of the code a PC's page shows (its address is printed under it).
fn code_token(html: &str) -> String {
    html.split("/m/realname/")
        .nth(1)
        .and_then(|rest| rest.split(['<', '"']).next())
        .unwrap_or_else(|| panic!("no code in {html}"))
        .to_owned()
}

/// "I finished on my phone" on the PC's code page: said not yet while the phone has not
/// finished, the same code kept; once verified, on to the next step. A code replaced by
/// a newer one (shown in another browser) is said to be gone, with a new one offered.
async fn i_finished_on_my_phone_says_where_the_check_stands(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut pc = pc_browser(&app);
    let phone = unique_phone();
    sign_in(&mut pc, &phone).await;
    let page = pc.get("/apply").await;
    pc.post(
        "/apply",
        &[
            ("action", "realname"),
            ("version", &hidden(&page.html, "version")),
        ],
    )
    .await;
    let shown = pc.get("/apply?step=realname").await;
    let token = code_token(&shown.html);
    // A phone that shows the computer's pages cannot scan its own screen: the address is
    // a link too.
    assert!(
        shown
            .html
            .contains(&format!("href=\"{}/m/realname/{token}\"", app.base))
            && shown.html.contains("点此在本机继续实名认证"),
        "{}",
        shown.html
    );
    let asked = finished_on_phone(&mut pc, &hidden(&shown.html, "version")).await;
    assert!(
        asked.html.contains("还没有收到手机上的认证结果"),
        "{}",
        asked.html
    );
    assert_eq!(code_token(&asked.html), token, "the same code, still good");

    // A mistyped ID number on the phone is no try (the demo check fails no other way; a
    // failed face check is a try, said with its reason): still not yet.
    let phone_page = format!("/m/realname/{token}");
    verify_on_phone(&app, &app.url(&phone_page), "王小明", "110105199003071238").await;
    let asked = finished_on_phone(&mut pc, &hidden(&shown.html, "version")).await;
    assert!(
        asked.html.contains("还没有收到手机上的认证结果"),
        "{}",
        asked.html
    );

    // Another browser of the same customer shows a new code: this one's is gone, said so
    // with the way to a new one; the phone that opened it is told to scan the new one on
    // the computer (not that a counter issued it), also when it sends its form then — at
    // an address of its own (a reload sends nothing again).
    let open_on_phone = PhonePage::open(&app.http, &app.url(&phone_page))
        .await
        .expect("verification page");
    let mut other = pc_browser(&app);
    sqlx::query("UPDATE login_codes SET sent_at = sent_at - 61000 WHERE phone = $1")
        .bind(&phone)
        .execute(app.store().pool())
        .await
        .expect("a minute later");
    sign_in(&mut other, &phone).await;
    let page = other.get("/apply?step=realname").await;
    other
        .post(
            "/apply",
            &[
                ("action", "realname"),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let gone = pc.get("/apply?step=realname").await;
    assert!(gone.html.contains("这个二维码已失效"), "{}", gone.html);
    assert!(gone.html.contains("value=\"realname\""), "{}", gone.html);
    let sent = open_on_phone
        .submit(
            &app.http,
            &[
                ("name", "王小明"),
                ("id_number", "11010519491231002X"),
                ("consent", "yes"),
            ],
        )
        .await
        .expect("sent on the old code");
    assert!(
        sent.status() == StatusCode::SEE_OTHER || sent.url().as_str().contains("answer="),
        "{:?} {}",
        sent.status(),
        sent.url()
    );
    let old = PhonePage::open(&app.http, &app.url(&phone_page))
        .await
        .expect("old code");
    assert!(
        old.html.contains("请使用最新的二维码或链接"),
        "{}",
        old.html
    );

    // Verified on the phone with the new code: on to choosing the certificate.
    let code_page = other.get("/apply?step=realname").await;
    let new_code = code_token(&code_page.html);
    let verified = verify_on_phone(
        &app,
        &app.url(&format!("/m/realname/{new_code}")),
        "王小明",
        "11010519491231002X",
    )
    .await;
    // The phone sends the customer back to the computer the code was shown on.
    assert!(
        verified.contains("回到电脑上点“我已在手机上完成”"),
        "{verified}"
    );
    let asked = finished_on_phone(&mut other, &hidden(&code_page.html, "version")).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.html);
    assert_eq!(asked.location.as_deref(), Some("/apply?step=project"));
    app.finish().await;
}

/// An application begun online (left blank) before the counter made the customer's first
/// order: on to its form, it is filled from that order, as one begun after it is.
async fn an_application_begun_before_the_first_order_is_filled_from_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let phone = unique_phone();
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    browser.get("/apply").await;
    let customer = app
        .client(&app.clerk)
        .find_customer(&phone)
        .await
        .expect("find")
        .expect("the customer signed in");
    let mut body = app.new_order_body("王小明").await;
    body.customer_id = customer.id;
    body.applicant.phone = phone.clone();
    body.mailing.street = "桐梓坡路 7 号".into();
    let order = app
        .client(&app.clerk)
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("order");
    let form = to_the_form(&app, &mut browser, "王小明", "11010519491231002X").await;
    assert_eq!(input_value(&form, "street"), "桐梓坡路 7 号", "{form}");
    assert!(
        form.contains(&format!("已按您上次的订单（{}）填好", order.order_no)),
        "{form}"
    );
    app.finish().await;
}

/// On a PC the order's pay page shows a code for the phone; with the demo cashier it says
/// that it opens the demo cashier (nothing charged), not "scan with Alipay" (Alipay
/// cannot pay it).
async fn the_demo_cashiers_code_on_a_pc_says_it_is_the_demo(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let mut pc = Browser::with_agent(
        &app,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    );
    sign_in(&mut pc, &owner_phone(&app, order.order_no.as_str()).await).await;
    // The code's address before any code was shown (typed, kept from another visit): the
    // order's page, not "the code ran out".
    let none_yet = pc
        .get_once(&format!("/orders/{}/pay", order.order_no))
        .await;
    assert_eq!(
        none_yet.location.as_deref(),
        Some(format!("/orders/{}#next-step", order.order_no).as_str())
    );
    let shown = pc
        .post_follow(&format!("/orders/{}/pay", order.order_no), &[])
        .await;
    assert!(
        shown.html.contains("打开演示收银台付款（演示，不扣款）")
            && !shown.html.contains("支付宝扫描"),
        "{}",
        shown.html
    );
    // The code's page shows the amount and how long it is good; reloaded, the same code.
    assert!(
        shown.html.contains("¥200.00") && shown.html.contains("分钟内有效"),
        "{}",
        shown.html
    );
    let again = pc.get(&format!("/orders/{}/pay", order.order_no)).await;
    assert!(again.html.contains("打开演示收银台付款"), "{}", again.html);
    // "I have paid" before paying: said that nothing came in, not the order as if nothing
    // happened; a crafted "voucher sent" on an order that has none says nothing.
    let back = pc.get(&format!("/orders/{}?paid=1", order.order_no)).await;
    assert!(back.html.contains("还没有收到这笔付款"), "{}", back.html);
    let crafted = pc
        .get(&format!("/orders/{}?done=voucher", order.order_no))
        .await;
    assert!(!crafted.html.contains("转账凭证已上传"), "{}", crafted.html);
    // Paid (on the phone): the code's page leads to the order, not to a code to pay again.
    let paid = app.pay(&order).await;
    assert_eq!(paid.status, ca_counter::domain::OrderStatus::PendingReview);
    let after = pc
        .get_once(&format!("/orders/{}/pay", order.order_no))
        .await;
    assert_eq!(
        after.location.as_deref(),
        Some(format!("/orders/{}", order.order_no).as_str())
    );
    app.finish().await;
}

/// "I finished on my phone", pressed on the code page with this `version`; followed to the
/// page it leads to when that is the code's page again.
async fn finished_on_phone(pc: &mut Browser, version: &str) -> crate::common::customer::Answer {
    let answer = pc
        .post(
            "/apply",
            &[("action", "realname_done"), ("version", version)],
        )
        .await;
    match answer.location.as_deref() {
        Some(to) if to.starts_with("/apply?step=realname") => pc.get(to).await,
        _ => answer,
    }
}

/// A caller with no order yet (stuck at the start of an application on their phone): the
/// support agent sees when they last signed in, the step their application is at as their
/// page names it, their failed real-name tries and what their page last refused.
async fn a_support_agent_sees_where_a_caller_with_no_order_is_stuck(db: Db) {
    let app = TestApp::spawn(db).await;
    let support = app.client(&app.support);
    let phone = unique_phone();
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    let customer = support
        .find_customer(&phone)
        .await
        .expect("find")
        .expect("the customer signing in");
    let online = support.customer_online(&customer.id).await.expect("online");
    assert!(online.last_seen_at.is_some(), "{online:?}");

    // At the real-name step, a try mistyped (no try spent, nothing verified).
    let page = browser.get("/apply").await;
    let version = hidden(&page.html, "version");
    let started = browser
        .post("/apply", &[("action", "realname"), ("version", &version)])
        .await;
    let realname = started.location.expect("to the verification");
    let wrong = verify_on_phone(&app, &app.url(&realname), "王小明", "110105199003071238").await;
    assert!(!wrong.contains("实名认证成功"), "{wrong}");
    let online = support.customer_online(&customer.id).await.expect("online");
    let application = online.application.expect("the application");
    assert_eq!(
        (application.step.as_str(), application.step_no),
        ("realname", 1)
    );
    assert_eq!(application.step_label, "Identity");
    let tried = online.realname.expect("the verification");
    assert_eq!(
        (tried.status, tried.attempts_left),
        (ca_counter::api::RealnameStatus::Pending, 5)
    );

    // Verified, a certificate chosen, and the terms sent unticked: the agent reads what
    // the customer's page says.
    // On their own, nobody typed a name to compare with: the demo says it checks none.
    let page = browser.get(&realname).await;
    assert!(
        page.html.contains("姓名和号码是否属于同一人不核对") && !page.html.contains("上面写的"),
        "{}",
        page.html
    );
    let verified = verify_on_phone(&app, &app.url(&realname), "王小明", "11010519491231002X").await;
    assert!(verified.contains("实名认证成功"), "{verified}");
    let product = app.product(ca_counter::domain::UserType::Individual).await;
    let page = browser.get("/apply").await;
    browser
        .post(
            "/apply",
            &[
                ("action", "product"),
                ("product_id", &product),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let page = browser.get("/apply").await;
    browser
        .post(
            "/apply",
            &[
                ("action", "terms"),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let online = support.customer_online(&customer.id).await.expect("online");
    // The verification as the session's own answer gives it: how it was checked.
    let realname = online.realname.as_ref().expect("the verification");
    assert_eq!(
        realname.provider.as_deref(),
        Some("builtin"),
        "{realname:?}"
    );
    assert!(realname.transaction_id.is_some(), "{realname:?}");
    let application = online.application.expect("the application");
    assert_eq!(application.step, "terms");
    assert!(application.product.is_some(), "{application:?}");
    assert_eq!(
        application.refused.as_deref(),
        Some("Read and accept the terms to go on")
    );

    // The form sent with a postal code of five digits: the agent is told which field and
    // what its page says beside it.
    let page = browser.get("/apply").await;
    browser
        .post(
            "/apply",
            &[
                ("action", "terms"),
                ("accept", "yes"),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let form = browser.get("/apply").await;
    let (version, draft) = (hidden(&form.html, "version"), hidden(&form.html, "draft"));
    let sent = browser
        .post(
            "/apply",
            &[
                ("action", "form"),
                ("version", version.as_str()),
                ("draft", draft.as_str()),
                ("phone", phone.as_str()),
                ("email", ""),
                ("recipient", "王小明"),
                ("recipient_phone", "13900001111"),
                ("province", "湖南省"),
                ("city", "长沙市"),
                ("district", "岳麓区"),
                ("street", "桐梓坡路 88 号 3 栋 1204"),
                ("postal_code", "41001"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let online = support.customer_online(&customer.id).await.expect("online");
    let application = online.application.expect("the application");
    assert_eq!(application.step, "form");
    let refused = application.refused.expect("the form's refusal");
    assert!(
        refused.starts_with("the form the customer sent has 1 field to correct")
            && refused.contains("Postal code: "),
        "{refused}"
    );
    // Nobody with the number: 404 for an unknown customer.
    match support.customer_online("no-such-customer").await {
        Err(e) => assert_eq!(e.problem().map(|p| p.status), Some(404), "{e:?}"),
        Ok(found) => panic!("{found:?}"),
    }
    app.finish().await;
}

/// The code page says only what the platform said: an address written by someone else (a
/// "code", a wrong-try count, a lock) or one the platform wrote and someone changed leads
/// back to the sign-in page, and shows none of it.
async fn a_code_page_address_written_by_someone_else_shows_nothing_it_says(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    let forged = browser
        .get_once("/login/code?phone=13800000000&next=%2F&demo=999999&said=wrong&left=99")
        .await;
    assert_eq!(forged.status, StatusCode::SEE_OTHER, "{}", forged.html);
    assert_eq!(forged.location.as_deref(), Some("/login?next=%2F"));
    assert!(!forged.html.contains("999999"), "{}", forged.html);

    // The platform's own address works; the same with its demo code changed does not.
    let phone = unique_phone();
    browser.get("/login").await;
    let sent = browser.post("/login", &[("phone", &phone)]).await;
    let to = sent.location.expect("to the code page");
    assert!(to.contains("sig="), "{to}");
    let page = browser.get(&to).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("本次验证码为"), "{}", page.html);
    let code: String = page
        .html
        .split_once("本次验证码为 ")
        .map(|(_, rest)| rest.chars().take(6).collect())
        .expect("the demo code");
    let other = if code == "123456" { "654321" } else { "123456" };
    let changed = to.replace(&format!("demo={code}"), &format!("demo={other}"));
    let changed = browser.get_once(&changed).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.html);
    assert!(!changed.html.contains(other), "{}", changed.html);
    // Nor does a form bring one back that the platform did not show: a code typed wrong
    // with a "demo code" of the sender's own, or the language switch with one.
    let refused = browser
        .post_follow(
            "/login/code",
            &[("phone", &phone), ("code", "000001"), ("demo", other)],
        )
        .await;
    assert!(!refused.html.contains(other), "{}", refused.html);
    let switched = browser
        .post(
            "/login/code?lang=en",
            &[
                ("phone", &phone),
                ("code", ""),
                ("demo", other),
                ("keep", "lang"),
            ],
        )
        .await;
    assert!(!switched.html.contains(other), "{}", switched.html);
    app.finish().await;
}

/// A customer whose last order was their company's starts a new application as a person,
/// sends that form, then chooses the company's certificate after all: the company's
/// details from the last order are still there to check.
async fn a_company_from_the_last_order_waits_through_a_persons_form(db: Db) {
    let app = TestApp::spawn(db).await;
    let phone = unique_phone();
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    let clerk = app.client(&app.clerk);
    let customer = clerk
        .find_customer(&phone)
        .await
        .expect("find")
        .expect("customer");
    app.verify_customer(&customer.id, "王小明", "11010519491231002X")
        .await;
    let mut body = app.new_org_order_body("王小明").await;
    body.customer_id = customer.id.clone();
    body.applicant.phone = phone.clone();
    clerk
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("the company's order");

    let person = app.product(ca_counter::domain::UserType::Individual).await;
    let form = choose(&mut browser, &person).await;
    assert!(!form.html.contains("name=\"org_name\""), "{}", form.html);
    let mut fields = vec![("action", "form".to_owned())];
    for name in [
        "version",
        "email",
        "recipient",
        "recipient_phone",
        "province",
        "city",
        "district",
        "street",
        "postal_code",
    ] {
        let value = if name == "version" {
            hidden(&form.html, name)
        } else {
            input_value(&form.html, name)
        };
        fields.push((name, value));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = browser.post("/apply", &fields).await;
    assert_eq!(
        sent.location.as_deref(),
        Some("/apply?step=print"),
        "{}",
        sent.html
    );

    let company = app
        .product(ca_counter::domain::UserType::Organization)
        .await;
    let form = choose(&mut browser, &company).await;
    let organization = body.organization.expect("organisation");
    assert_eq!(
        input_value(&form.html, "org_name"),
        organization.name,
        "{}",
        form.html
    );
    assert_eq!(input_value(&form.html, "org_uscc"), organization.uscc);
    app.finish().await;
}

/// A customer with an unpaid order who applies for the same product again is shown that
/// order (with a link) before the terms and again before submitting; the unpaid order is
/// cancelled from its page after a second question, and the warning goes with it.
async fn the_same_product_applied_for_again_is_pointed_to_the_open_order_which_can_be_cancelled(
    db: Db,
) {
    let app = TestApp::spawn(db).await;
    let phone = unique_phone();
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    let clerk = app.client(&app.clerk);
    let customer = clerk
        .find_customer(&phone)
        .await
        .expect("find")
        .expect("customer");
    app.verify_customer(&customer.id, "王小明", "11010519491231002X")
        .await;
    let mut body = app.new_order_body("王小明").await;
    body.customer_id = customer.id.clone();
    body.applicant.phone = phone.clone();
    let open = clerk
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("the first order");
    let no = open.order_no.as_str().to_owned();

    // The same product again: the open order is named and linked on the terms page.
    let page = browser.get("/apply?step=project").await;
    browser
        .post(
            "/apply",
            &[
                ("action", "product"),
                ("product_id", body.product_id.as_str()),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let terms = browser.get("/apply").await;
    assert!(terms.html.contains("name=\"accept\""), "{}", terms.html);
    assert!(
        terms.html.contains("您已有同一产品的订单正在办理")
            && terms.html.contains(&format!("href=\"/orders/{no}\""))
            && terms.html.contains("（待支付）"),
        "{}",
        terms.html
    );

    // The order's page offers to cancel it; the first tap only asks.
    let order = browser.get(&format!("/orders/{no}")).await;
    assert!(
        order
            .html
            .contains(&format!("href=\"/orders/{no}/cancel\"")),
        "{}",
        order.html
    );
    let asked = browser.get(&format!("/orders/{no}/cancel")).await;
    assert!(asked.html.contains("确认取消订单"), "{}", asked.html);
    let still = clerk.order(&no, false).await.expect("order");
    assert_eq!(still.status, OrderStatus::PendingPayment);
    // A stale question (the order moved on since) changes nothing.
    let stale = browser
        .post(&format!("/orders/{no}/cancel"), &[("version", "0")])
        .await;
    assert_ne!(stale.status, StatusCode::SEE_OTHER, "{}", stale.html);
    assert_eq!(
        clerk.order(&no, false).await.expect("order").status,
        OrderStatus::PendingPayment
    );
    let cancelled = browser
        .post(
            &format!("/orders/{no}/cancel"),
            &[("version", &hidden(&asked.html, "version"))],
        )
        .await;
    let to = cancelled.location.expect("to the order");
    let page = browser.get(&to).await;
    assert!(page.html.contains("订单已取消"), "{}", page.html);
    let order = clerk.order(&no, false).await.expect("order");
    assert_eq!(order.status, OrderStatus::Cancelled);
    // Its history says who cancelled it, in the platform's words.
    let history = clerk.history(&no).await.expect("history");
    assert!(
        history.iter().any(|h| h.action == "cancel"
            && h.reason.as_deref() == Some("客户在手机上取消")
            && h.actor.name.contains("线上")),
        "{history:?}"
    );
    // Nothing open any more: no warning; a cancelled order offers no cancel.
    let terms = browser.get("/apply").await;
    assert!(
        !terms.html.contains("您已有同一产品的订单正在办理"),
        "{}",
        terms.html
    );
    let again = browser.get(&format!("/orders/{no}/cancel")).await;
    assert_eq!(
        again.location.as_deref(),
        Some(format!("/orders/{no}").as_str())
    );
    app.finish().await;
}

/// Chooses `product` on the project step, accepts the terms if asked, and opens the form.
async fn choose(browser: &mut Browser, product: &str) -> crate::common::customer::Answer {
    let page = browser.get("/apply?step=project").await;
    browser
        .post(
            "/apply",
            &[
                ("action", "product"),
                ("product_id", product),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let page = browser.get("/apply").await;
    if page.html.contains("name=\"accept\"") {
        browser
            .post(
                "/apply",
                &[
                    ("action", "terms"),
                    ("accept", "yes"),
                    ("version", &hidden(&page.html, "version")),
                ],
            )
            .await;
    }
    browser.get("/apply?step=form").await
}

/// An order returned because its customer never passed the real-name check: the check is
/// done from the order's own page on the phone (it was a dead end — nothing on the page led
/// to it, and the order went back to review unverified, to be returned again).
async fn an_order_returned_unverified_is_verified_from_the_phone(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = returned_unverified(&app).await;
    let no = order.order_no.to_string();
    let (phone, mut browser) = signed_in_owner(&app, &no).await;
    // Returned for the check alone: the next step is the check, nothing to print, sign
    // or upload — on the list and on the order's page.
    let list = browser.get("/").await;
    assert!(
        list.html.contains("完成实名认证，然后提交审核") && !list.html.contains("按告知书补正"),
        "{}",
        list.html
    );
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(page.html.contains("您还没有完成实名认证"), "{}", page.html);
    assert!(
        page.html.contains("完成实名认证，然后提交审核")
            && !page.html.contains("id=\"scan\"")
            && !page.html.contains("form.pdf"),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains(&format!("action=\"/orders/{no}/verify\"")),
        "{}",
        page.html
    );
    // No way to send it back unverified (it would come back for the same reason); a post
    // from a page left open is refused where the button would be, the order stays
    // returned.
    assert!(
        !page
            .html
            .contains(&format!("action=\"/orders/{no}/resubmit\""))
            && page
                .html
                .contains("实名认证通过后，这里会出现“提交审核”按钮")
            && !page.html.contains("补正材料已传齐"),
        "{}",
        page.html
    );
    // (The page has no form with the version now: the order's, as a page left open had.)
    let version = order.version.to_string();
    let early = browser
        .post(&format!("/orders/{no}/resubmit"), &[("version", &version)])
        .await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.html
    );
    assert!(early.html.contains("请先完成实名认证"), "{}", early.html);
    // On a computer: a code to scan with the phone (a provider's face check runs in its
    // app there), and the way back to the order.
    let mut computer = Browser::with_agent(
        &app,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    );
    a_code_may_go_again(&app, &phone).await;
    sign_in(&mut computer, &phone).await;
    computer.get(&format!("/orders/{no}")).await;
    let shown = computer.post(&format!("/orders/{no}/verify"), &[]).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.html);
    assert!(
        shown.html.contains("class=\"qr\"")
            && shown.html.contains("/m/realname/")
            && shown.html.contains(&format!("href=\"/orders/{no}\"")),
        "{}",
        shown.html
    );
    // The check, from the order on the phone: the customer's own code and its page.
    let started = browser.post(&format!("/orders/{no}/verify"), &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.html);
    let at = started.location.clone().expect("to the check");
    assert!(at.starts_with("/m/realname/"), "{at}");
    let done = verify_on_phone(&app, &app.url(&at), "张三", "11010519491231002X").await;
    // Back to the order that waited, not into a new application.
    assert!(
        done.contains(&format!("class=\"button\" href=\"/orders/{no}\""))
            && !done.contains("class=\"button\" href=\"/apply\""),
        "{done}"
    );
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(!page.html.contains("您还没有完成实名认证"), "{}", page.html);
    // Passed: the next step is sending it back, not the check.
    assert!(
        !page.html.contains("完成实名认证，然后提交审核") && page.html.contains(" 提交审核</h2>"),
        "{}",
        page.html
    );
    // The reason answered is said so, and nothing is to be uploaded for it: sent as it is.
    assert!(
        page.html.contains("已完成实名认证")
            && page.html.contains("无需上传材料")
            && page
                .html
                .contains(&format!("action=\"/orders/{no}/resubmit\""))
            // Nothing was asked to upload: no "all corrections are in" on its button.
            && page.html.contains(">提交审核</button>")
            && !page.html.contains("补正材料已传齐"),
        "{}",
        page.html
    );
    let version = hidden(&page.html, "version");
    let sent = browser
        .post(&format!("/orders/{no}/resubmit"), &[("version", &version)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    // Said as what happened: the order sent back (no "corrections" were sent).
    let told = browser.get(&sent.location.expect("to the order")).await;
    assert!(
        told.html.contains("订单已重新提交审核") && !told.html.contains("补正材料已提交审核"),
        "{}",
        told.html
    );
    let order = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert!(order.realname.is_some(), "verified");
    assert_eq!(order.status, OrderStatus::PendingReview);
    app.finish().await;
}

/// A cancel confirmed on a page left open while the order was paid at the counter and went
/// to review: said not to have been done, and why — not "in review: its material is sent",
/// which the customer read as their cancel gone through.
async fn a_cancel_confirmed_after_the_order_went_to_review_says_it_was_not_done(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let no = order.order_no.to_string();
    let (_, mut browser) = signed_in_owner(&app, &no).await;
    let asked = browser.get(&format!("/orders/{no}/cancel")).await;
    let version = hidden(&asked.html, "version");
    let order = app
        .act(
            &app.clerk,
            &order,
            Action::ChooseBankTransfer,
            ActionRequest::default(),
        )
        .await;
    let order = app.send_voucher(&order, voucher_jpeg(800, 600)).await;
    assert_eq!(order.status, OrderStatus::PendingReview);
    let late = browser
        .post(&format!("/orders/{no}/cancel"), &[("version", &version)])
        .await;
    assert!(late.html.contains("这一步没有办理"), "{}", late.html);
    assert!(!late.html.contains("材料已提交"), "{}", late.html);
    let now = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("order");
    assert_eq!(now.status, OrderStatus::PendingReview);
    app.finish().await;
}

/// A code the customer opened locks over a name that is not the one registered at the
/// counter: its page names the registered name (masked) and says to give the ID card's
/// name, or to have the registered one corrected at a counter when the card says
/// otherwise — with the hotline, and the way on to the order that waits for the check;
/// the computer that showed it says the same beside its new-code button. Once the day's
/// tries are spent, a locked code's page says so and offers no way to a new code.
async fn a_code_locked_over_the_name_says_which_name_is_registered(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = returned_unverified(&app).await;
    let no = order.order_no.to_string();
    let phone = owner_phone(&app, &no).await;
    // A code shown on a computer, scanned with the phone.
    let mut computer = pc_browser(&app);
    sign_in(&mut computer, &phone).await;
    let url = code_shown(&app, &mut computer).await;
    for _ in 0..5 {
        verify_on_phone(&app, &url, "李四", "11010519491231002X").await;
    }
    let page = app.http.get(&url).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::GONE);
    let html = page.text().await.expect("page");
    assert!(
        html.contains("登记的姓名（*三）不一致")
            && html.contains("请按身份证上的姓名填写")
            && html.contains("href=\"tel:")
            && html.contains(&format!("href=\"/orders/{no}\"")),
        "{html}"
    );
    let shown = computer.get("/apply?step=realname").await;
    assert!(
        shown.html.contains("请按身份证上的姓名填写") && shown.html.contains("value=\"realname\""),
        "{}",
        shown.html
    );
    // Five more on a code from the order: the day's ten spent.
    let mut browser = Browser::new(&app);
    a_code_may_go_again(&app, &phone).await;
    sign_in(&mut browser, &phone).await;
    let from_order = browser.post(&format!("/orders/{no}/verify"), &[]).await;
    let url = app.url(&from_order.location.expect("a code"));
    for _ in 0..5 {
        verify_on_phone(&app, &url, "李四", "11010519491231002X").await;
    }
    let html = app
        .http
        .get(&url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("page");
    assert!(
        html.contains("24 小时内已试了 10 次实名认证")
            && !html.contains("class=\"button\" href=\"/apply\"")
            && !html.contains(&format!("class=\"button\" href=\"/orders/{no}\"")),
        "{html}"
    );
    app.finish().await;
}

/// A code locks after five wrong tries, and the customer may open another on their own —
/// but not without end: ten tries in 24 hours over every code they open, counted when the
/// provider would be asked (a code opened before the last tries keeps none over); then
/// neither the application (on a phone or on a computer showing a code) nor a returned
/// order offers a new one, each saying why (each try asks the paid provider, and guesses
/// at an ID number). The counter still can, with the customer and their ID card there.
async fn the_tries_a_customer_makes_alone_are_capped_a_day(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = returned_unverified(&app).await;
    let no = order.order_no.to_string();
    let (phone, mut browser) = signed_in_owner(&app, &no).await;
    let mut computer = pc_browser(&app);
    a_code_may_go_again(&app, &phone).await;
    sign_in(&mut computer, &phone).await;
    let wrong = |url: String| {
        let app = &app;
        async move { verify_on_phone(app, &url, "李四", "11010519491231002X").await }
    };
    // Four wrong tries on a code shown on the computer.
    let url = code_shown(&app, &mut computer).await;
    for _ in 0..4 {
        wrong(url.clone()).await;
    }
    // Four on one from the returned order, on the phone.
    let from_order = browser.post(&format!("/orders/{no}/verify"), &[]).await;
    let url = app.url(&from_order.location.expect("a code"));
    for _ in 0..4 {
        wrong(url.clone()).await;
    }
    // A third code, from the application: two more tries, then the provider is not asked.
    let page = browser.get("/apply").await;
    let version_before = hidden(&page.html, "version");
    let third = browser
        .post(
            "/apply",
            &[("action", "realname"), ("version", &version_before)],
        )
        .await;
    let url = app.url(&third.location.expect("a third code"));
    let left_open = PhonePage::open(&app.http, &url).await.expect("page");
    // What is left of the day's, not the code's five.
    assert!(
        left_open.html.contains("还可以尝试 2 次"),
        "{}",
        left_open.html
    );
    for _ in 0..2 {
        wrong(url.clone()).await;
    }
    let page = app.http.get(&url).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    let said = page.text().await.expect("page");
    assert!(
        said.contains("24 小时内已试了 10 次实名认证") && !said.contains("name=\"id_number\""),
        "the code's page says so, without the form: {said}"
    );
    // The form left open in another tab since before, sent anyway: not a try.
    let sent = left_open
        .submit(
            &app.http,
            &[
                ("name", "李四"),
                ("id_number", "11010519491231002X"),
                ("consent", "yes"),
            ],
        )
        .await
        .expect("post");
    assert_eq!(sent.status(), StatusCode::TOO_MANY_REQUESTS);
    let said = sent.text().await.expect("page");
    assert!(said.contains("24 小时内已试了 10 次实名认证"), "{said}");
    let tries: Vec<i64> =
        sqlx::query_scalar("SELECT attempts FROM realname_sessions ORDER BY created_at")
            .fetch_all(app.store().pool())
            .await
            .expect("tries");
    assert_eq!(tries, [4, 4, 2], "the eleventh was not a try");
    // The application's step on the phone says so in place of its button; a page left
    // open from before that asks anyway opens no code and comes back to it.
    let said = browser.get("/apply").await;
    assert!(
        said.html.contains("24 小时内已试了 10 次实名认证")
            && !said.html.contains("value=\"realname\""),
        "{}",
        said.html
    );
    let again = browser
        .post(
            "/apply",
            &[("action", "realname"), ("version", &version_before)],
        )
        .await;
    assert_eq!(again.location.as_deref(), Some("/apply?step=realname"));
    // The computer, whose code was replaced since: the same, not a way to a new code.
    let shown = computer.get("/apply?step=realname").await;
    assert!(
        shown.html.contains("24 小时内已试了 10 次实名认证")
            && !shown.html.contains("value=\"realname\""),
        "{}",
        shown.html
    );
    // The returned order: said in place of its button; a post anyway is refused, with the
    // way back to the order.
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(
        page.html.contains("24 小时内已试了 10 次实名认证")
            && !page
                .html
                .contains(&format!("action=\"/orders/{no}/verify\"")),
        "{}",
        page.html
    );
    let refused = browser.post(&format!("/orders/{no}/verify"), &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("携带身份证到柜台办理")
            && refused.html.contains(&format!("href=\"/orders/{no}\"")),
        "{}",
        refused.html
    );
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM realname_sessions")
        .fetch_one(app.store().pool())
        .await
        .expect("sessions");
    assert_eq!(sessions, 3, "no fourth code was opened");
    // Support, on the phone with them, reads why and what to tell them.
    let customer = app
        .client(&app.clerk)
        .find_customer(&phone)
        .await
        .expect("find")
        .expect("customer");
    let online = app
        .client(&app.support)
        .customer_online(&customer.id)
        .await
        .expect("online");
    assert_eq!(
        (online.realname_tries_today, online.realname_tries_spent),
        (10, true)
    );
    // The counter still opens one.
    app.client(&app.clerk)
        .create_realname_session(&customer.id)
        .await
        .expect("the counter's code");
    app.finish().await;
}

/// Terms accepted on the phone, then replaced by a new version before the application was
/// sent: the application goes back to them, saying they changed, and records the version
/// accepted again — never one the customer did not see.
async fn terms_that_changed_after_they_were_accepted_are_asked_again(db: Db) {
    let app = TestApp::spawn(db).await;
    let earlier = app.submit("王小明").await;
    let (_, mut browser) = signed_in_owner(&app, earlier.order_no.as_str()).await;
    to_the_form(&app, &mut browser, "王小明", "11010519491231002X").await;
    let in_force = ca_counter::config::PlatformConfig::default().terms_version;
    let draft_json = || async {
        sqlx::query_scalar::<_, String>("SELECT data_json FROM customer_drafts")
            .fetch_one(app.store().pool())
            .await
            .expect("draft")
    };
    let accepted = format!("\"terms_version\":\"{in_force}\"");
    assert!(
        draft_json().await.contains(&accepted),
        "the version accepted is kept"
    );
    // The terms the customer accepted are replaced (as a new version put in force does).
    sqlx::query("UPDATE customer_drafts SET data_json = REPLACE(data_json, $1, $2)")
        .bind(&accepted)
        .bind("\"terms_version\":\"2020-01\"")
        .execute(app.store().pool())
        .await
        .expect("an older version");
    for asked in ["/apply", "/apply?step=form"] {
        let page = browser.get(asked).await;
        assert!(
            page.html.contains("服务协议已更新") && page.html.contains("value=\"terms\""),
            "{asked}: {}",
            page.html
        );
    }
    let page = browser.get("/apply").await;
    let went = browser
        .post(
            "/apply",
            &[
                ("action", "terms"),
                ("accept", "yes"),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    assert_eq!(went.location.as_deref(), Some("/apply?step=form"));
    assert!(
        draft_json().await.contains(&accepted),
        "accepted again in force"
    );
    let form = browser.get("/apply").await;
    assert!(!form.html.contains("服务协议已更新"), "{}", form.html);
    // A draft kept before the version was (accepted, no version): taken as accepted in
    // the version in force, as it was submitted before — the customer is not sent back.
    sqlx::query("UPDATE customer_drafts SET data_json = REPLACE(data_json, $1, $2)")
        .bind(&accepted)
        .bind("\"terms_version\":null")
        .execute(app.store().pool())
        .await
        .expect("a draft from before");
    let form = browser.get("/apply").await;
    assert!(form.html.contains("id=\"apply-form\""), "{}", form.html);
    app.finish().await;
}

/// A voucher or a correction posted to an order whose page offers neither (a crafted post,
/// or a page from long ago with the order's current version) is refused by the transition
/// table and not kept: a voucher on an order past review would read as proof of a second
/// payment, a correction on one not returned as a change asked for.
async fn a_file_for_a_step_the_order_cannot_take_is_not_kept(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = crate::mailing::approved(&app, "张三").await;
    let no = order.order_no.to_string();
    let (_, mut browser) = signed_in_owner(&app, &no).await;
    let clerk = app.client(&app.clerk);
    let before = clerk.order(&no, false).await.expect("order");
    for (path, data) in [
        ("voucher", voucher_jpeg(800, 600)),
        ("correction", scan_png(1240, 1754)),
    ] {
        let sent = browser
            .upload(
                &format!("/orders/{no}/{path}"),
                &before.version.to_string(),
                data,
                if path == "voucher" {
                    "image/jpeg"
                } else {
                    "image/png"
                },
            )
            .await;
        assert_eq!(
            sent.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            sent.html
        );
        // Said as what it is: not a file this order takes now (nothing moved).
        assert!(
            sent.html.contains("没有上传") && sent.html.contains("订单现在的状态不需要这份材料"),
            "{path}: {}",
            sent.html
        );
    }
    let after = clerk.order(&no, false).await.expect("order");
    assert_eq!(
        after.attachments.len(),
        before.attachments.len(),
        "nothing kept"
    );
    assert_eq!(
        (after.status, after.version),
        (before.status, before.version)
    );
    // An order in review takes a voucher at the counter (a clearer copy), but its page
    // offers none: a voucher posted there anyway is not kept either.
    let in_review = app.pay(&app.submit("李四").await).await;
    let no = in_review.order_no.to_string();
    let phone = owner_phone(&app, &no).await;
    let mut browser = Browser::new(&app);
    a_code_may_go_again(&app, &phone).await;
    sign_in(&mut browser, &phone).await;
    let sent = browser
        .upload(
            &format!("/orders/{no}/voucher"),
            &in_review.version.to_string(),
            voucher_jpeg(800, 600),
            "image/jpeg",
        )
        .await;
    assert_eq!(
        sent.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        sent.html
    );
    let after = clerk.order(&no, false).await.expect("order");
    assert!(
        after.attachments.is_empty(),
        "nothing kept: {:?}",
        after.attachments
    );
    app.finish().await;
}

/// The real-name check begun from an order returned for it verifies the order's applicant
/// only: another person's ID number is refused there as a try (verified, they would leave
/// the order never approvable, and a verified identity is never replaced), and on a code
/// from the application while the order waits; the applicant's own passes.
async fn a_check_from_a_returned_order_takes_only_its_applicants_id_number(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = returned_unverified(&app).await;
    let no = order.order_no.to_string();
    let full = app
        .client(&app.admin)
        .order(&no, true)
        .await
        .expect("order");
    let (phone, mut browser) = signed_in_owner(&app, &no).await;
    let code = browser.post(&format!("/orders/{no}/verify"), &[]).await;
    let url = app.url(&code.location.expect("a code"));
    let other = if full.applicant.id_number == "430104199003074569" {
        "11010519491231002X"
    } else {
        "430104199003074569"
    };
    let page = verify_on_phone(&app, &url, "张三", other).await;
    assert!(page.contains("身份证号与订单上申请人的不一致"), "{page}");
    let tries: Vec<(i64, String)> =
        sqlx::query_as("SELECT attempts, status FROM realname_sessions")
            .fetch_all(app.store().pool())
            .await
            .expect("tries");
    assert_eq!(
        tries,
        [(1, "pending".to_owned())],
        "a try, the code still open"
    );
    let customer = app
        .client(&app.clerk)
        .find_customer(&phone)
        .await
        .expect("find")
        .expect("customer");
    assert!(!customer.realname_verified, "someone else was not verified");
    // Nor does a code from the application (which replaces the order's) take another
    // person while the order waits for its applicant.
    let page = browser.get("/apply").await;
    let opened = browser
        .post(
            "/apply",
            &[
                ("action", "realname"),
                ("version", &hidden(&page.html, "version")),
            ],
        )
        .await;
    let url = app.url(&opened.location.expect("a code"));
    let page = verify_on_phone(&app, &url, "张三", other).await;
    assert!(page.contains("身份证号与订单上申请人的不一致"), "{page}");
    let page = verify_on_phone(&app, &url, "张三", &full.applicant.id_number).await;
    assert!(page.contains("实名认证成功"), "{page}");
    app.finish().await;
}

/// An order for 张三, paid, then returned because its customer never passed the real-name
/// check.
async fn returned_unverified(app: &TestApp) -> ca_counter::api::Order {
    returned_for_the_check(app, app.submit("张三").await).await
}

/// `order`, paid, then returned because its customer never passed the real-name check.
async fn returned_for_the_check(
    app: &TestApp,
    order: ca_counter::api::Order,
) -> ca_counter::api::Order {
    let order = app
        .returned(&app.pay(&order).await, &["申请人未通过实名认证"])
        .await;
    assert_eq!(order.status, OrderStatus::Rejected);
    order
}

/// An order on this account whose applicant is someone else (a family member's, made at a
/// counter) returned for the real-name check: the phone's check verifies the account's
/// person, never the applicant, so the page says the applicant comes to a counter and
/// offers no check (it bound the account to another person's ID number, and the order
/// came back again).
async fn a_returned_order_of_someone_else_on_the_account_is_not_checked_there(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut body = app.new_order_body("冯一").await;
    body.applicant.name = "陈二".into();
    let clerk = app.client(&app.clerk);
    let order = clerk
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("order");
    let order = returned_for_the_check(&app, order).await;
    let no = order.order_no.to_string();
    let (_, mut browser) = signed_in_owner(&app, &no).await;
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(
        page.html.contains("不是本账号登记的客户")
            && !page
                .html
                .contains(&format!("action=\"/orders/{no}/verify\"")),
        "{}",
        page.html
    );
    let refused = browser.post(&format!("/orders/{no}/verify"), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.html);
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM realname_sessions")
        .fetch_one(app.store().pool())
        .await
        .expect("sessions");
    assert_eq!(sessions, 0, "no code was opened");
    app.finish().await;
}

/// The catalog's price changed after the customer printed and signed their form: sending
/// it makes no order at the new price on a paper showing the old — the application goes
/// back to printing, said with the price now; the old paper's scan is refused; printed,
/// signed and sent again, the order is made at the price its paper shows.
async fn a_price_changed_after_printing_sends_the_application_back_to_print(db: Db) {
    use crate::common::customer::{apply_to_review, printed_again, printed_form, scan_the_print};
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    let phone = unique_phone();
    sign_in(&mut browser, &phone).await;
    apply_to_review(&app, &mut browser, "王小明", "11010519491231002X").await;
    let old_paper = printed_form(&browser).await;
    let new_prices = async || {
        sqlx::query("UPDATE products SET price_fen = price_fen + 5000")
            .execute(app.store().pool())
            .await
            .expect("a new price list");
    };
    // The form downloaded again after the price changed: not the same reference at a new
    // price (the signed paper's scan would still match it) — back to printing.
    new_prices().await;
    let again = browser.get_once("/apply/form.pdf").await;
    assert_eq!(
        again.location.as_deref(),
        Some("/apply?step=print&repriced=1"),
        "{}",
        again.html
    );
    let version = printed_again(&mut browser).await;
    let stale = browser
        .upload("/apply/scan", &version, old_paper.clone(), "image/png")
        .await;
    let stale = browser.followed(stale).await;
    let version = hidden(&stale.html, "version");
    scan_the_print(&mut browser, &version).await;
    let old_paper = printed_form(&browser).await;
    let page = browser.get("/apply").await;
    let (version, draft) = (hidden(&page.html, "version"), hidden(&page.html, "draft"));
    // Sent for review after the price changed again.
    new_prices().await;
    let sent = browser
        .post("/apply/submit", &[("version", &version), ("draft", &draft)])
        .await;
    assert_eq!(
        sent.location.as_deref(),
        Some("/apply?step=print&repriced=1"),
        "{}",
        sent.html
    );
    let customer = app
        .client(&app.clerk)
        .find_customer(&phone)
        .await
        .expect("find")
        .expect("the customer");
    let orders = app
        .client(&app.clerk)
        .orders(&OrderQuery {
            q: Some(phone.clone()),
            ..Default::default()
        })
        .await
        .expect("orders");
    assert!(orders.items.is_empty(), "{:?}", orders.items);
    let told = browser.get("/apply?step=print&repriced=1").await;
    assert!(
        told.html.contains("价格调整为 ¥") && told.html.contains("之前打印的申请表不能再用"),
        "{}",
        told.html
    );
    let version = printed_again(&mut browser).await;
    let stale = browser
        .upload("/apply/scan", &version, old_paper, "image/png")
        .await;
    let stale = browser.followed(stale).await;
    assert!(
        stale.html.contains("本申请之前打印的申请表（"),
        "{}",
        stale.html
    );
    let version = hidden(&stale.html, "version");
    scan_the_print(&mut browser, &version).await;
    let page = browser.get("/apply").await;
    let (version, draft) = (hidden(&page.html, "version"), hidden(&page.html, "draft"));
    let sent = browser
        .post("/apply/submit", &[("version", &version), ("draft", &draft)])
        .await;
    let went = sent.location.expect("to the order");
    let no = went
        .trim_start_matches("/orders/")
        .trim_end_matches("?done=submitted")
        .to_owned();
    let order = app
        .client(&app.clerk)
        .order(&no, false)
        .await
        .expect("the order");
    let product = app
        .store()
        .product(&order.product_id)
        .await
        .expect("db")
        .expect("the product");
    assert_eq!(order.amount_fen, product.price_fen);
    assert_eq!(order.customer_id, customer.id);
    app.finish().await;
}

/// A code typed after it ran out: the page says so and shows no code (the demo's page
/// showed the dead code above "the code has expired", offering what it then refused).
async fn a_code_that_ran_out_is_not_shown_again(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut browser = Browser::new(&app);
    let phone = unique_phone();
    browser.get("/login").await;
    let sent = browser.post_follow("/login", &[("phone", &phone)]).await;
    let code: String = sent
        .html
        .split_once("本次验证码为 ")
        .map(|(_, rest)| rest.chars().take(6).collect())
        .expect("the demo's code");
    let demo = hidden(&sent.html, "demo");
    sqlx::query("UPDATE login_codes SET expires_at = expires_at - 600000 WHERE phone = $1")
        .bind(&phone)
        .execute(app.store().pool())
        .await
        .expect("six minutes on");
    let late = browser
        .post_follow(
            "/login/code",
            &[("phone", &phone), ("code", &code), ("demo", &demo)],
        )
        .await;
    assert!(
        late.html.contains("验证码已过期") && !late.html.contains("本次验证码为"),
        "{}",
        late.html
    );
    app.finish().await;
}
