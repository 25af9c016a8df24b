//! 新申请 on screen: taking payment after submission, what a press does while the platform
//! answers, drafts that follow their order, the steps a clerk goes through.

use ca_counter::api::{
    ActionRequest, Health, OrderEvent, Product, Project, RealnameSession, RealnameStatus,
};
use ca_counter::domain::{DraftId, OrderStatus, UserType};
use ca_counter::i18n::Lang;
use ca_counter::tui::files::{ActFailure, FileProblem};
use ca_counter::tui::net::Msg;
use ca_counter::tui::tabs::newapp::draft::{CustomerInfo, Draft, RealnameInfo, Step};
use ca_counter::tui::tabs::newapp::{self, NewApp};
use crossterm::event::KeyCode;

use crate::fixtures::*;

fn health(qr_payment: bool) -> Health {
    Health {
        status: "ok".into(),
        version: "t".into(),
        database: "sqlite".into(),
        max_upload_bytes: 10 << 20,
        public_base_url: "http://192.168.1.20:8080".into(),
        qr_payment,
        demo_parts: vec![],
        seller_tax_number: SELLER.into(),
    }
}

#[test]
fn taking_payment_after_submission() {
    for lang in Lang::ALL {
        let name = lang_name(lang);
        let app = submitted(lang, OrderStatus::PendingPayment);
        insta::assert_snapshot!(format!("pay_choose_{name}"), render(&app, 80, 24));

        let mut app = submitted(lang, OrderStatus::PendingVoucher);
        insta::assert_snapshot!(format!("pay_transfer_{name}"), render(&app, 80, 24));
        key(&mut app, KeyCode::Char('u'));
        typed(&mut app, "/tmp/x.txt");
        key(&mut app, KeyCode::Enter);
        app.answer::<NewApp>(newapp::Answer::Acted {
            draft: draft_id(PAYING_DRAFT),
            result: Err(ActFailure::File(
                "/tmp/x.txt".into(),
                FileProblem::Io(std::io::ErrorKind::NotFound),
            )),
        });
        insta::assert_snapshot!(format!("pay_voucher_{name}"), render(&app, 80, 24));

        let app = submitted(lang, OrderStatus::PendingReview);
        insta::assert_snapshot!(format!("pay_settled_{name}"), render(&app, 80, 24));
    }
}

#[test]
fn a_second_press_while_the_platform_answers_asks_nothing_more() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Char('b'));
    let jobs = app.take_jobs();
    let asks = sent::<newapp::Request>(&jobs)
        .into_iter()
        .filter(|r| {
            matches!(
                r,
                newapp::Request::OpenPayment { .. } | newapp::Request::Act { .. }
            )
        })
        .count();
    assert_eq!(asks, 1, "{jobs:?}");
    assert!(
        render(&app, 80, 24).contains("正在等平台回答"),
        "the press is answered"
    );
}

/// A customer who chose transfer and has not transferred pays by Alipay after all: `p`
/// sends the order back to waiting for payment (listed in the help; the footer keeps the
/// receipt first).
#[test]
fn transfer_chosen_goes_back_to_paying_online() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingVoucher);
    app.take_jobs();
    key(&mut app, KeyCode::Char('p'));
    let jobs = app.take_jobs();
    assert!(
        sent::<newapp::Request>(&jobs).iter().any(|r| matches!(
            r,
            newapp::Request::Act {
                action: ca_counter::domain::Action::ChooseOnlinePayment,
                ..
            }
        )),
        "{jobs:?}"
    );
    // Back to waiting for payment, then paid by QR code: the screen says money arrived,
    // not that a voucher was uploaded.
    for (id, status, from, action) in [
        (
            10,
            OrderStatus::PendingPayment,
            OrderStatus::PendingVoucher,
            "choose_online_payment",
        ),
        (
            11,
            OrderStatus::PendingReview,
            OrderStatus::PendingPayment,
            "pay",
        ),
    ] {
        app.on_msg(Msg::Event(OrderEvent {
            id,
            order_no: no("HN20261128000006"),
            kind: "transition".into(),
            status,
            from: Some(from),
            version: id,
            action: Some(action.into()),
            at: "2026-11-28T08:00:00Z".into(),
            order: None,
        }));
    }
    let screen = render(&app, 80, 24);
    assert!(screen.contains("付款已登记"), "{screen}");
    assert!(!screen.contains("转账凭证已上传"), "{screen}");
}

/// The Ctrl-P that went unheeded: choosing bank transfer waits for the platform's answer,
/// but the order's event can arrive first and show the transfer details. A print then
/// must print, not wait for an unrelated answer.
#[test]
fn the_transfer_slip_prints_while_the_choice_of_transfer_is_still_answered() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    key(&mut app, KeyCode::Char('b'));
    app.take_jobs();
    app.on_msg(Msg::Event(OrderEvent {
        id: 10,
        order_no: no("HN20261128000006"),
        kind: "transition".into(),
        status: OrderStatus::PendingVoucher,
        from: Some(OrderStatus::PendingPayment),
        version: 2,
        action: Some("choose_bank_transfer".into()),
        at: "2026-11-28T08:00:00Z".into(),
        order: None,
    }));
    assert!(render(&app, 80, 24).contains("请客户按以下信息转账"));
    ctrl(&mut app, 'p');
    let jobs = app.take_jobs();
    assert!(
        sent::<newapp::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, newapp::Request::PrintSlip { .. })),
        "the slip is printed at once: {jobs:?}"
    );
    // A second press while it prints says so instead of printing twice.
    ctrl(&mut app, 'p');
    assert!(
        sent::<newapp::Request>(&app.take_jobs())
            .iter()
            .all(|r| !matches!(r, newapp::Request::PrintSlip { .. }))
    );
    assert!(render(&app, 80, 24).contains("上一份还在打印"));
}

#[test]
fn without_qr_payment_only_bank_transfer_is_offered() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    app.frame_answer(ca_counter::tui::app::FrameAnswer::Health(Ok(health(false))));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("未开通扫码支付"), "{screen}");
    assert!(!screen.contains("p  支付宝扫码"), "{screen}");
    app.take_jobs();
    key(&mut app, KeyCode::Char('p'));
    assert!(
        !sent::<newapp::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, newapp::Request::OpenPayment { .. }))
    );
    key(&mut app, KeyCode::Char('b'));
    assert!(
        sent::<newapp::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, newapp::Request::Act { .. }))
    );
}

#[test]
fn a_draft_not_shown_follows_its_order_and_is_saved() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    ctrl(&mut app, 'n');
    app.take_jobs();
    let event = |id, status, version| OrderEvent {
        id,
        order_no: no("HN20261128000006"),
        kind: "transition".into(),
        status,
        from: None,
        version,
        action: None,
        at: "2026-11-28T08:00:00Z".into(),
        order: None,
    };
    app.on_msg(Msg::Event(event(9, OrderStatus::PendingReview, 2)));
    let jobs = app.take_jobs();
    let saved = sent::<newapp::Request>(&jobs)
        .into_iter()
        .find_map(|r| match r {
            newapp::Request::SaveDraft(d) if d.id == draft_id(PAYING_DRAFT) => Some(d),
            _ => None,
        });
    let saved = saved.expect("the paid draft is written to disk");
    assert_eq!(saved.order_status, Some(OrderStatus::PendingReview));
    assert_eq!(saved.order_version, 2);
    // An older event afterwards changes nothing.
    app.on_msg(Msg::Event(event(8, OrderStatus::PendingPayment, 1)));
    assert!(
        !sent::<newapp::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, newapp::Request::SaveDraft(d) if d.id == draft_id(PAYING_DRAFT)))
    );
}

/// Ctrl-N with an empty draft open goes back to it rather than opening another: they
/// piled up, one per press, each a name in the draft bar and a file on disk back after
/// every restart. Empty drafts found on disk beside another are deleted as the tab starts.
#[test]
fn empty_drafts_do_not_pile_up() {
    let mut pressed = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    ctrl(&mut pressed, 'n');
    ctrl(&mut pressed, 'n');
    ctrl(&mut pressed, 'o');
    ctrl(&mut pressed, 'n');
    let tab = pressed.tab::<NewApp>().expect("tab");
    assert_eq!(tab.sheets.len(), 2);
    assert!(tab.sheet().is_some_and(|s| s.draft.untouched()));
    let empty = |n: u128, at: i64| Draft {
        id: draft_id(&format!("01a22342-0000-7000-8000-{n:012}")),
        reference: format!("SQ7F3K9Q{n:02}"),
        updated_at: at,
        ..Draft::default()
    };
    let kept = empty(11, 30);
    let mut app = app(Lang::ZhCn);
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        *newapp = NewApp::with_drafts(vec![empty(10, 20), kept.clone(), empty(12, 10)]);
        assert_eq!(newapp.sheets.len(), 1);
        assert_eq!(newapp.sheets[0].draft.id, kept.id);
    }
    app.take_jobs();
    app.start();
    let deleted: Vec<DraftId> = sent::<newapp::Request>(&app.take_jobs())
        .into_iter()
        .filter_map(|r| match r {
            newapp::Request::DeleteDraft(id) => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(deleted.len(), 2, "{deleted:?}");
    assert!(!deleted.contains(&kept.id));
}

#[test]
fn a_refusal_naming_where_the_order_is_now_puts_the_draft_there() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    key(&mut app, KeyCode::Char('b'));
    app.answer::<NewApp>(newapp::Answer::Acted {
        draft: draft_id(PAYING_DRAFT),
        result: Err(ActFailure::Api(conflict(
            "stale_version",
            OrderStatus::PendingVoucher,
            3,
        ))),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("请客户按以下信息转账"), "{screen}");
    app.take_jobs();
    key(&mut app, KeyCode::Char('u'));
    typed(&mut app, "/tmp/v.png");
    key(&mut app, KeyCode::Enter);
    let version = sent::<newapp::Request>(&app.take_jobs())
        .into_iter()
        .find_map(|r| match r {
            newapp::Request::Act {
                body: ActionRequest { version, .. },
                ..
            } => version,
            _ => None,
        });
    assert_eq!(version, Some(3));
}

#[test]
fn drafts_restored_after_submission_ask_where_their_order_stands() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    app.take_jobs();
    app.on_msg(Msg::Reconnecting {
        attempt: 1,
        reason: "x".into(),
    });
    app.on_msg(Msg::Online);
    assert!(
        sent::<newapp::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r,
            newapp::Request::Order { draft, order_no }
                if *draft == draft_id(PAYING_DRAFT) && order_no == "HN20261128000006")),
        "a refetch for the submitted draft"
    );
}

#[test]
fn a_voucher_uploaded_says_it_goes_to_review_not_that_money_arrived() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingVoucher);
    app.answer::<NewApp>(newapp::Answer::Order {
        draft: draft_id(PAYING_DRAFT),
        result: Ok({
            let mut o = order();
            o.order_no = no("HN20261128000006");
            o.version = 5;
            o
        }),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("转账凭证已上传"), "{screen}");
    assert!(!screen.contains("付款已登记"), "{screen}");
}

/// A voucher already sent for another order is said as it is uploaded, the customer
/// still at the counter (it was said only in the order view, rows down, and in review).
#[test]
fn a_voucher_sent_for_another_order_too_is_said_at_upload() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingVoucher);
    key(&mut app, KeyCode::Char('u'));
    typed(&mut app, "/tmp/v.png");
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    let mut order = order();
    order.order_no = no("HN20261128000006");
    order.status = OrderStatus::PendingReview;
    order.version = 5;
    let mut voucher = order.attachments[0].clone();
    voucher.id = "v1".into();
    voucher.kind = ca_counter::api::AttachmentKind::Voucher;
    voucher.scan_check = None;
    voucher.also_on = vec!["HN20261128000002".into()];
    order.attachments.push(voucher);
    app.answer::<NewApp>(newapp::Answer::Acted {
        draft: draft_id(PAYING_DRAFT),
        result: Ok(order),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("HN20261128000002"), "{screen}");
    assert!(screen.contains("转账凭证已上传"), "{screen}");
}

/// A clerk at the real-name step with a code on screen.
fn realname_app(lang: Lang) -> ca_counter::tui::app::App {
    realname_app_until(lang, NOW + time::Duration::minutes(10))
}

/// [`realname_app`] with the code live until `expires` (whether it is live is judged by
/// the wall clock).
fn realname_app_until(lang: Lang, expires: time::OffsetDateTime) -> ca_counter::tui::app::App {
    let mut app = app(lang);
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        *newapp = NewApp::with_drafts(vec![Draft {
            id: draft_id("01a22342-0000-7000-8000-000000000001"),
            reference: "SQ7F3K9QAB".into(),
            step: Step::Realname,
            phone: "13812345678".into(),
            customer: Some(CustomerInfo {
                id: "c".into(),
                name: "张三".into(),
                phone: "13812345678".into(),
                verified: false,
                order_count: 0,
                earlier_check: None,
            }),
            realname: Some(RealnameInfo {
                session_id: "s".into(),
                url: "http://192.168.100.200:8080/m/realname/AbCdEfGhIjKlMnOpQrStUv".into(),
                expires_at: stamp(expires),
                status: "pending".into(),
                ..RealnameInfo::default()
            }),
            ..Draft::default()
        }]);
    }
    app.show_tab::<NewApp>();
    app.take_jobs();
    app
}

#[test]
fn the_code_leaves_the_step_bar_and_the_discard_question_in_view() {
    let mut app = realname_app(Lang::ZhCn);
    ctrl(&mut app, 'd');
    let screen = render(&app, 80, 24);
    let rows: Vec<&str> = screen.lines().collect();
    assert!(
        rows[1].contains("1 客户") && rows[1].contains("7 提交"),
        "{screen}"
    );
    assert!(rows[2].contains("再按一次 Ctrl-D 丢弃此草稿"), "{screen}");
}

#[test]
fn once_verified_the_clerk_is_on_the_project_step_without_a_key() {
    let mut app = realname_app(Lang::ZhCn);
    app.answer::<NewApp>(newapp::Answer::Realname {
        draft: draft_id("01a22342-0000-7000-8000-000000000001"),
        result: Ok(RealnameSession {
            id: "s".into(),
            customer_id: "c".into(),
            status: RealnameStatus::Verified,
            url: None,
            masked_name: "*三".into(),
            expires_at: stamp(NOW + time::Duration::minutes(10)),
            attempts: 1,
            attempts_left: 4,
            reason: None,
            reason_text: None,
            verified_name: Some("张三".into()),
            verified_id_number: Some("11010519491231002X".into()),
            verified_at: Some(stamp(NOW)),
            at_provider: false,
            provider: Some("builtin".into()),
            transaction_id: Some("s".into()),
            other_names: vec![],
        }),
    });
    assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Project));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("✓ 已实名：张三"), "{screen}");
    // A project with a single product needs no second Enter.
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        newapp.projects = vec![Project {
            id: "p1".into(),
            code: "xt".into(),
            name: "湘潭市公共资源交易系统".into(),
            region: "湘潭市".into(),
            initials: "xtsggzyjyxt".into(),
            products: vec![Product {
                id: "k1".into(),
                code: "p1y".into(),
                name: "个人证书（1年）".into(),
                user_type: UserType::Individual,
                validity_years: 1,
                price_fen: 20_000,
            }],
        }];
        newapp.project_sel = 0;
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Terms));
}

/// A session as the platform answers it for the customer "c": `status` after `attempts`
/// tries, the last refused for `reason` (its code and words).
fn session(status: RealnameStatus, attempts: i64, reason: Option<(&str, &str)>) -> RealnameSession {
    RealnameSession {
        id: "s".into(),
        customer_id: "c".into(),
        status,
        url: Some("http://192.168.100.200:8080/m/realname/AbCdEfGhIjKlMnOpQrStUv".into()),
        masked_name: "*三".into(),
        expires_at: stamp(NOW + time::Duration::minutes(10)),
        attempts,
        attempts_left: 5 - attempts,
        reason: reason.map(|(code, _)| code.into()),
        reason_text: reason.map(|(_, text)| text.into()),
        verified_name: None,
        verified_id_number: None,
        verified_at: None,
        at_provider: false,
        provider: Some("builtin".into()),
        transaction_id: None,
        other_names: vec![],
    }
}

/// A customer whose last check (five tries on their own phone) locked over a name that
/// is not the registered one: found at the counter, the real-name step says so — and how
/// to correct the name — before a code that would fail the same way is scanned; once this
/// visit has tried, it is not said any more. A last check that passed, or that failed for
/// no stated reason, says nothing.
#[test]
fn a_customers_earlier_check_that_failed_over_the_name_is_said_at_the_step() {
    for lang in Lang::ALL {
        let found = |last: Option<RealnameSession>| {
            let mut app = app(lang);
            if let Some(newapp) = app.tab_mut::<NewApp>() {
                *newapp = NewApp::with_drafts(vec![Draft {
                    id: draft_id("01a22342-0000-7000-8000-000000000001"),
                    reference: "SQ7F3K9QAB".into(),
                    step: Step::Customer,
                    phone: "13812345678".into(),
                    ..Draft::default()
                }]);
            }
            app.show_tab::<NewApp>();
            key(&mut app, KeyCode::Enter);
            app.answer::<NewApp>(newapp::Answer::CustomerFound {
                draft: draft_id("01a22342-0000-7000-8000-000000000001"),
                result: Ok(Some((
                    ca_counter::api::Customer {
                        id: "c".into(),
                        phone: "13812345678".into(),
                        name: "张三".into(),
                        realname_verified: false,
                        created_at: stamp(NOW),
                        order_count: 0,
                    },
                    None,
                    last,
                ))),
            });
            app
        };
        // The start of the line, which fits a row whole.
        let said = match lang {
            Lang::ZhCn => "此前的实名认证未通过：填写的姓名",
            Lang::En => "An earlier real-name check failed: the name",
        };
        // The start of any of the earlier check's lines.
        let any = match lang {
            Lang::ZhCn => "此前的实名认证",
            Lang::En => "An earlier real-name check",
        };
        let mut app = found(Some(session(
            RealnameStatus::Locked,
            5,
            Some(("name_mismatch", "姓名与柜台登记的不一致")),
        )));
        assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Realname));
        let screen = render(&app, 80, 24);
        assert!(screen.contains(said), "{screen}");
        // This visit's code, tried once: the earlier check is not what stands now.
        let mut tried = session(
            RealnameStatus::Pending,
            1,
            Some(("name_mismatch", "姓名与柜台登记的不一致")),
        );
        tried.id = "s2".into();
        app.answer::<NewApp>(newapp::Answer::Realname {
            draft: draft_id("01a22342-0000-7000-8000-000000000001"),
            result: Ok(tried),
        });
        let screen = render(&app, 80, 24);
        assert!(!screen.contains(any), "{screen}");
        // Nor on a fresh code of this visit (after a lock, `r`).
        let mut fresh = session(RealnameStatus::Pending, 0, None);
        fresh.id = "s3".into();
        app.answer::<NewApp>(newapp::Answer::Realname {
            draft: draft_id("01a22342-0000-7000-8000-000000000001"),
            result: Ok(fresh),
        });
        let screen = render(&app, 80, 24);
        assert!(!screen.contains(any), "{screen}");
        for last in [
            None,
            Some(session(RealnameStatus::Expired, 0, None)),
            // A refusal that spent no try says nothing of the customer.
            Some(session(
                RealnameStatus::Pending,
                0,
                Some(("provider_unavailable", "实名认证服务暂不可用")),
            )),
        ] {
            let app = found(last);
            let screen = render(&app, 80, 24);
            assert!(!screen.contains(any), "{screen}");
        }
    }
}

/// The last try's reason, read while the counter was in Chinese, reads in English after
/// `Ctrl-L` (it stayed in the platform's Chinese words), and back.
#[test]
fn a_reason_read_in_one_language_is_said_in_the_other_after_ctrl_l() {
    let mut app = realname_app(Lang::ZhCn);
    let mut tried = session(
        RealnameStatus::Pending,
        1,
        Some(("name_mismatch", "姓名与柜台登记的不一致")),
    );
    tried.url = None;
    tried.expires_at = stamp(time::OffsetDateTime::now_utc() + time::Duration::minutes(10));
    app.answer::<NewApp>(newapp::Answer::Realname {
        draft: draft_id("01a22342-0000-7000-8000-000000000001"),
        result: Ok(tried),
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("上次失败：姓名与柜台登记的不一致"),
        "{screen}"
    );
    ctrl(&mut app, 'l');
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Last try failed: the name differs from")
            && screen.contains("registered at the counter")
            && !screen.contains("姓名与柜台登记"),
        "{screen}"
    );
}

/// More projects than the list has rows: its last row says how many are below (and that
/// typing finds one), or above once the clerk has gone down; a product's price stays
/// under its own name in English too.
#[test]
fn a_long_project_list_says_how_many_more_and_prices_stay_with_their_product() {
    let mut app = at_step(Step::Project, |_| {});
    let project = |i: usize| Project {
        id: format!("p{i}"),
        code: format!("c{i}"),
        name: format!("第{}号公共资源交易系统", crate::common::han(i)),
        region: "湖南省".into(),
        initials: "ggzyjyxt".into(),
        products: vec![Product {
            id: format!("k{i}"),
            code: format!("o{i}"),
            name: "机构证书（1年）".into(),
            user_type: UserType::Organization,
            validity_years: 1,
            price_fen: 40_000,
        }],
    };
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        newapp.projects = (1..=30).map(project).collect();
        newapp.project_sel = 0;
    }
    let top = render(&app, 80, 24);
    assert!(
        top.contains("下面还有") && top.contains("或输入字查找"),
        "{top}"
    );
    for _ in 0..29 {
        key(&mut app, KeyCode::Down);
    }
    let bottom = render(&app, 80, 24);
    assert!(
        bottom.contains("上面还有") && bottom.contains("第三〇号"),
        "{bottom}"
    );
    ctrl(&mut app, 'l');
    let english = render(&app, 80, 24);
    let price_row = english
        .lines()
        .find(|l| l.contains("¥400.00"))
        .unwrap_or_else(|| panic!("{english}"));
    assert!(price_row.contains("organisation"), "{english}");
}

/// A project selling many terms (a product for each year, for a person and for an
/// organisation): the product chosen stays in sight down to the last, a name that ends in
/// what tells it apart is never cut, and the last row says how many more there are.
#[test]
fn a_project_of_many_products_keeps_the_chosen_one_in_sight() {
    let mut app = at_step(Step::Project, |_| {});
    let product = |i: usize| Product {
        id: format!("k{i}"),
        code: format!("o{i}"),
        name: format!(
            "机构数字证书（含 USB Key 介质，标准版）有效期{}年",
            crate::common::han(i)
        ),
        user_type: UserType::Organization,
        validity_years: i as i64,
        price_fen: 10_000 * i as i64,
    };
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        newapp.projects = vec![Project {
            id: "p1".into(),
            code: "c1".into(),
            name: "公共资源交易系统".into(),
            region: "湖南省".into(),
            initials: "ggzyjyxt".into(),
            products: (1..=12).map(product).collect(),
        }];
        newapp.project_sel = 0;
    }
    key(&mut app, KeyCode::Enter);
    let top = render(&app, 80, 24);
    assert!(top.contains("个产品（↓）"), "{top}");
    for i in 2..=12 {
        key(&mut app, KeyCode::Down);
        let screen = render(&app, 80, 24);
        let price = ca_counter::domain::Money::from_fen(10_000 * i as i64)
            .expect("price")
            .to_string();
        assert!(
            screen.contains(&price),
            "product {i} out of sight:\n{screen}"
        );
    }
    let bottom = render(&app, 80, 24);
    assert!(
        bottom.contains("个产品（↑）") && bottom.contains("一二年"),
        "{bottom}"
    );
    ctrl(&mut app, 'l');
    let english = render(&app, 80, 24);
    assert!(english.contains("more products above"), "{english}");
}

/// The field being typed into is marked by its label in reverse video, not by colour
/// alone (an e-mail went into the city of a clerk typing without looking up).
#[test]
fn the_field_typed_into_is_marked_without_colour() {
    let app = at_step(Step::Form, |draft| {
        draft.focus = "mailing.city".into();
    });
    let terminal = terminal(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    let label_at = |label: &str| {
        (0..24).find_map(|y| {
            let row: String = (0..80).map(|x| buffer[(x, y)].symbol()).collect();
            let x = row.find(label)?;
            // The label's first column (cells before it are one byte each: spaces).
            (row[..x].chars().all(|c| c == ' ')).then_some((x as u16, y))
        })
    };
    let reversed = |at: (u16, u16)| {
        buffer[at]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    };
    let city = label_at("市 ").expect("the city's label");
    // (A wide character's second cell reads as a space.)
    let district = label_at("区 /县").expect("the district's label");
    assert!(reversed(city));
    assert!(!reversed(district));
}

/// The CA's own credit code typed as the applicant organisation's is refused as the field
/// is left, as the platform would refuse the order.
#[test]
fn the_cas_own_credit_code_is_refused_as_the_field_is_left() {
    let mut app = at_step(Step::Form, |draft| {
        if let Some(choice) = &mut draft.choice {
            choice.user_type = Some(UserType::Organization);
        }
        draft.focus = "organization.uscc".into();
    });
    app.frame_answer(ca_counter::tui::app::FrameAnswer::Health(Ok(health(true))));
    ctrl(&mut app, 'u');
    typed(&mut app, SELLER);
    key(&mut app, KeyCode::Tab);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("本机构（CA）自己的"), "{screen}");
}

#[test]
fn city_and_district_must_be_place_names() {
    let mut app = at_step(Step::Form, |draft| {
        draft.focus = "mailing.city".into();
    });
    typed(&mut app, "!!@@");
    key(&mut app, KeyCode::Tab);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("请填写地名"), "{screen}");
}

/// A whole address pasted into the street loses, as the field is left, the province, city
/// and district the form's own fields hold (the paper printed them twice); a postal code
/// typed full-width reads back as it prints.
#[test]
fn a_street_pasted_whole_keeps_the_street_and_a_postal_code_reads_as_printed() {
    let mut app = at_step(Step::Form, |draft| {
        for (key, value) in [
            ("mailing.province", "湖南省"),
            ("mailing.city", "湘潭市"),
            ("mailing.district", "岳塘区"),
        ] {
            draft.fields.insert(key.into(), value.into());
        }
        draft.focus = "mailing.street".into();
    });
    ctrl(&mut app, 'u');
    typed(&mut app, "湖南省湘潭市岳塘区 建设北路 18 号");
    key(&mut app, KeyCode::Tab);
    ctrl(&mut app, 'u');
    typed(&mut app, "４１１１００");
    key(&mut app, KeyCode::BackTab);
    let fields = app
        .tab::<NewApp>()
        .and_then(|n| n.sheets.first())
        .map(|s| s.draft.fields.clone())
        .unwrap_or_default();
    assert_eq!(
        fields.get("mailing.street").map(String::as_str),
        Some("建设北路 18 号")
    );
    assert_eq!(
        fields.get("mailing.postal_code").map(String::as_str),
        Some("411100")
    );
}

/// Enter on the last field (the postal code) leaves it as any other: typed full-width, the
/// form goes on to the scan with it as it prints (the summary showed ４１１１００).
#[test]
fn enter_on_the_last_field_reads_it_back_as_printed() {
    let mut app = at_step(Step::Form, |draft| {
        for (key, value) in [
            ("applicant.name", "王五"),
            ("applicant.id_number", "11010519491231002X"),
            ("applicant.phone", "13812345678"),
            ("mailing.recipient", "王五"),
            ("mailing.phone", "13812345678"),
            ("mailing.province", "湖南省"),
            ("mailing.city", "长沙市"),
            ("mailing.district", "岳麓区"),
            ("mailing.street", "麓山南路 1 号"),
        ] {
            draft.fields.insert(key.into(), value.into());
        }
        draft.focus = "mailing.postal_code".into();
    });
    ctrl(&mut app, 'u');
    typed(&mut app, "４１０００５");
    key(&mut app, KeyCode::Enter);
    let draft = app
        .tab::<NewApp>()
        .and_then(|n| n.sheets.first())
        .map(|s| s.draft.clone())
        .expect("a draft");
    let screen = render(&app, 80, 24);
    assert_eq!(draft.step, Step::Scan, "{screen} {:?}", draft.fields);
    assert_eq!(
        draft.fields.get("mailing.postal_code").map(String::as_str),
        Some("410005")
    );
}

/// A postal code of another province than the one typed: said under the postal code as it
/// is left, and the form does not go on to the scan until it agrees.
#[test]
fn a_postal_code_of_another_province_is_said_and_holds_the_form() {
    let mut app = at_step(Step::Form, |draft| {
        draft
            .fields
            .insert("mailing.province".into(), "湖南省".into());
        draft.focus = "mailing.postal_code".into();
    });
    ctrl(&mut app, 'u');
    typed(&mut app, "100080");
    key(&mut app, KeyCode::BackTab);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("属于北京市"), "{screen}");
    // The last field's Enter does not go on.
    key(&mut app, KeyCode::Enter);
    for _ in 0..10 {
        key(&mut app, KeyCode::Tab);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Form));
}

/// The platform's words under the form's fields, after a switch to English: a field the
/// counter's own check finds wrong says so in English; one only the platform refused loses
/// its Chinese message (it cannot be worded again; sending asks again in English).
#[test]
fn a_language_switch_words_field_messages_again_or_drops_them() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    let mut refused = problem("validation_failed", 422, "资料有误");
    if let ca_counter::api::ClientError::Problem(p) = &mut refused {
        p.errors = vec![
            ca_counter::api::FieldError {
                field: "mailing.postal_code".into(),
                message: "平台说：邮政编码应为 6 位数字".into(),
            },
            ca_counter::api::FieldError {
                field: "mailing.street".into(),
                message: "平台说：街道地址太短".into(),
            },
        ];
    }
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        let mut draft = newapp.sheet().map(|s| s.draft.clone()).unwrap_or_default();
        draft.step = Step::Form;
        draft.order_no = None;
        draft
            .fields
            .insert("mailing.postal_code".into(), "4100".into());
        draft
            .fields
            .insert("mailing.street".into(), "麓山南路 1 号".into());
        *newapp = NewApp::with_drafts(vec![draft]);
        if let Some(sheet) = newapp.sheets.first_mut() {
            assert!(sheet.refused_fields(&refused, Lang::ZhCn).is_some());
        }
    }
    let before = render(&app, 80, 24);
    assert!(before.contains("平台说：街道地址太短"), "{before}");
    ctrl(&mut app, 'l');
    let after = render(&app, 80, 24);
    assert!(!after.contains("平台说"), "{after}");
    let errors = app
        .tab::<NewApp>()
        .and_then(|n| n.sheet())
        .map(|s| s.errors.clone())
        .unwrap_or_default();
    assert!(!errors.contains_key("mailing.street"), "{errors:?}");
    let postal = errors
        .get("mailing.postal_code")
        .map(|t| t.get(Lang::En))
        .unwrap_or_default();
    assert!(postal.contains("6 digits"), "{postal}");
    assert!(after.contains(&postal), "{after}");
    // The typing stays.
    assert!(after.contains("4100"), "{after}");
}

/// A street longer than its field, the cursor elsewhere: the field takes the row's width,
/// and what still does not fit ends with an ellipsis (never read as the whole street).
#[test]
fn a_long_value_uses_the_row_and_says_it_is_cut() {
    let street =
        "湘潭市岳塘区高新技术产业开发区晓塘路与芙蓉大道交汇处东北角湘潭智造谷产业园三期七栋十二楼";
    let app = at_step(Step::Form, |draft| {
        draft.fields.insert("mailing.street".into(), street.into());
        draft.focus = "mailing.recipient".into();
    });
    let screen = render(&app, 80, 24);
    let row = screen
        .lines()
        .find(|l| l.contains("湘潭市岳塘区"))
        .unwrap_or_default()
        .to_owned();
    assert!(row.contains('…'), "{screen}");
    // More of it than the 48 columns a short value's field has.
    assert!(
        row.contains("湘潭市岳塘区高新技术产业开发区晓塘路与芙蓉大道"),
        "{screen}"
    );
}

/// A form with a message under each field is longer than 80×24 leaves room for: its
/// last row says how many fields are scrolled away above and below, and goes when every
/// field shows.
#[test]
fn a_form_longer_than_the_screen_says_what_is_above_and_below() {
    let keys = [
        "organization.name",
        "organization.uscc",
        "organization.legal_representative",
        "mailing.recipient",
        "mailing.phone",
        "mailing.city",
        "mailing.district",
        "mailing.street",
        "mailing.postal_code",
    ];
    let refused = |focus: &str, lang: Lang| {
        let mut app = at_step(Step::Form, |draft| {
            if let Some(choice) = &mut draft.choice {
                choice.user_type = Some(UserType::Organization);
            }
        });
        let mut problem = problem("validation_failed", 422, "资料有误");
        if let ca_counter::api::ClientError::Problem(p) = &mut problem {
            p.errors = keys
                .iter()
                .map(|key| ca_counter::api::FieldError {
                    field: (*key).into(),
                    message: "平台说：请填写".into(),
                })
                .collect();
        }
        if let Some(sheet) = app.tab_mut::<NewApp>().and_then(|n| n.sheets.first_mut()) {
            assert!(sheet.refused_fields(&problem, lang).is_some());
            // (A refusal puts the caret on its first field.)
            sheet.draft.focus = focus.into();
        }
        app
    };
    let top = render(&refused("organization.name", Lang::ZhCn), 80, 24);
    assert!(
        top.contains("下面还有") && !top.contains("上面还有"),
        "{top}"
    );
    let bottom = render(&refused("mailing.postal_code", Lang::ZhCn), 80, 24);
    assert!(
        bottom.contains("上面还有") && !bottom.contains("下面还有"),
        "{bottom}"
    );
    // The count is of the fields not shown.
    let above: usize = bottom
        .split("上面还有 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{bottom}"));
    assert!(above > 0 && !bottom.contains("机构名称"), "{bottom}");
    let mut middle = refused("mailing.street", Lang::ZhCn);
    let both = render(&middle, 80, 24);
    assert!(
        both.contains("上面还有") && both.contains("下面还有"),
        "{both}"
    );
    ctrl(&mut middle, 'l');
    let english = render(&middle, 80, 24);
    assert!(
        english.contains(" above, ")
            && english.contains(" below, ")
            && english.contains("more field")
            && !english.contains("(s)"),
        "{english}"
    );
    // Every field scrolled away has a message: the row says how many are to correct.
    let below: usize = top
        .split("下面还有 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{top}"));
    assert!(
        top.contains(&format!("下面还有 {below} 栏，{below} 栏待改（↓）")),
        "{top}"
    );
    // Without the messages it fits: no word about scrolling.
    let fits = at_step(Step::Form, |draft| {
        if let Some(choice) = &mut draft.choice {
            choice.user_type = Some(UserType::Organization);
        }
    });
    let fits = render(&fits, 80, 24);
    assert!(
        !fits.contains("上面还有") && !fits.contains("下面还有"),
        "{fits}"
    );
}

/// The last look before an organisation's order is made: the legal representative is
/// there to check, and a long value goes on under its value, the labels a column.
#[test]
fn the_summary_names_the_legal_representative_and_keeps_its_labels_a_column() {
    let app = at_step(Step::Submit, |draft| {
        if let Some(choice) = &mut draft.choice {
            choice.user_type = Some(ca_counter::domain::UserType::Organization);
            choice.product_name = "机构证书（1年）".into();
        }
        for (key, value) in [
            (
                "organization.name",
                "湖南省湘潭市岳塘区高新技术产业开发区国际智能制造研究院有限责任公司华中区域运营中心",
            ),
            ("organization.uscc", "91430300MA4L12345L"),
            ("organization.legal_representative", "王建国"),
            ("mailing.recipient", "王建国"),
            ("mailing.phone", "13900001234"),
            ("mailing.province", "湖南省"),
            ("mailing.city", "湘潭市"),
            ("mailing.district", "岳塘区"),
            (
                "mailing.street",
                "晓塘路与芙蓉大道交汇处东北角湘潭智造谷产业园三期七栋十二楼",
            ),
            ("mailing.postal_code", "411100"),
        ] {
            draft.fields.insert(key.into(), value.into());
        }
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("法定代表人") && screen.contains("王建国"),
        "{screen}"
    );
    // The organisation's name, wrapped: its second row starts under the value.
    let rows: Vec<&str> = screen.lines().collect();
    let first = rows
        .iter()
        .position(|l| l.contains("湖南省湘潭市岳塘区"))
        .unwrap_or_else(|| panic!("{screen}"));
    // Columns on screen (a Chinese character takes two).
    let column = |row: &str, text: &str| {
        row.find(text)
            .map(|at| unicode_width::UnicodeWidthStr::width(&row[..at]))
    };
    let value_at = column(rows[first], "湖南省湘潭市岳塘区");
    assert_eq!(
        column(rows[first + 1], "华中区域运营中心"),
        value_at,
        "{screen}"
    );
}

/// The draft of [`submitted`], not submitted, at `step`, as `edit` leaves it.
fn at_step(step: Step, edit: impl FnOnce(&mut Draft)) -> ca_counter::tui::app::App {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        let mut draft = newapp.sheet().map(|s| s.draft.clone()).unwrap_or_default();
        draft.step = step;
        draft.order_no = None;
        edit(&mut draft);
        *newapp = NewApp::with_drafts(vec![draft]);
    }
    app
}

/// The form printed, then the application changed (another product): it takes a new
/// reference, the signed paper's scan is said to be this application's earlier printout
/// (to print again, not "another application's"), and `Enter` to submit with the scan
/// no longer checked goes back to the scan step, saying why — the order is not made with
/// a paper that says another product and price.
#[test]
fn the_paper_printed_before_a_change_is_not_taken_for_the_application() {
    let mut app = at_step(Step::Submit, |d| {
        d.scan_path = "/tmp/signed.png".into();
        d.scan = Some(ca_counter::tui::files::FileInfo::default());
        let reference = d.reference.clone();
        d.printed_as(&reference, d.paper_says());
    });
    let first = app
        .tab::<NewApp>()
        .and_then(NewApp::sheet)
        .map(|s| s.draft.reference.clone())
        .expect("a draft");
    if let Some(sheet) = app
        .tab_mut::<NewApp>()
        .and_then(|tab| tab.sheets.first_mut())
    {
        if let Some(choice) = sheet.draft.choice.as_mut() {
            choice.product_id = "k3".into();
            choice.price_fen = 50_000;
        }
        sheet.sync();
    }
    let now = app
        .tab::<NewApp>()
        .and_then(NewApp::sheet)
        .map(|s| s.draft.reference.clone())
        .expect("a draft");
    assert_ne!(now, first);
    app.take_jobs();
    key(&mut app, KeyCode::Enter);
    assert!(
        !sent::<newapp::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, newapp::Request::Submit { .. }))
    );
    assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Scan));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("申请内容在扫描件核对后有改动"), "{screen}");
    app.answer::<NewApp>(newapp::Answer::ScanChecked {
        draft: draft_id(PAYING_DRAFT),
        path: "/tmp/signed.png".into(),
        result: Err(FileProblem::OtherPaper(first.clone(), now.clone())),
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("这是本申请修改前打印的申请表") && screen.contains(&first),
        "{screen}"
    );
}

/// The product's price changed since the clerk chose it (and printed the form with it):
/// the platform refuses the order on `amount_fen`, and the draft goes back to choosing
/// the product, the platform's words said — not "1 entry to correct" on a form with
/// nothing to correct.
#[test]
fn a_price_changed_since_the_form_was_printed_sends_the_draft_back_to_the_product() {
    let mut app = at_step(Step::Submit, |d| {
        d.scan_path = "/tmp/signed.png".into();
        d.scan = Some(ca_counter::tui::files::FileInfo::default());
    });
    key(&mut app, KeyCode::Enter);
    let submit = sent::<newapp::Request>(&app.take_jobs())
        .into_iter()
        .find_map(|r| match r {
            newapp::Request::Submit { order, .. } => Some(order),
            _ => None,
        })
        .expect("a submission");
    assert!(
        submit.amount_fen.is_some(),
        "the price the paper shows is sent"
    );
    let mut refused = problem("validation_failed", 422, "资料有误");
    if let ca_counter::api::ClientError::Problem(p) = &mut refused {
        p.errors = vec![ca_counter::api::FieldError {
            field: "amount_fen".into(),
            message: "产品价格已变为 ¥250.00（签字的申请表上是 ¥200.00）：请重新选择产品，重新打印申请表给客户签字".into(),
        }];
    }
    app.answer::<NewApp>(newapp::Answer::Submitted {
        draft: draft_id(PAYING_DRAFT),
        result: Err(newapp::messages::SubmitError::Order(refused)),
    });
    assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Project));
    let screen = render(&app, 80, 24);
    let flat: String = screen.split_whitespace().collect();
    assert!(flat.contains("产品价格已变为¥250.00"), "{screen}");
}

/// The scan read again as the order is about to be made, and found another paper (saved
/// over the checked one): no order, back to the scan with why. The order made but its
/// scan refused by the platform: no "✓" stays, and `Esc` does not lead back into what
/// the order already says — only its signed form is still to send.
#[test]
fn a_scan_changed_or_refused_at_submission_leaves_the_draft_at_its_scan() {
    let mut app = at_step(Step::Submit, |d| {
        d.scan_path = "/tmp/signed.png".into();
        d.scan = Some(ca_counter::tui::files::FileInfo::default());
    });
    app.answer::<NewApp>(newapp::Answer::Submitted {
        draft: draft_id(PAYING_DRAFT),
        result: Err(newapp::messages::SubmitError::ScanChanged(
            FileProblem::OtherPaper("SQOTHER2345".into(), "SQ7F3K9QAB".into()),
        )),
    });
    assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Scan));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("扫描件在核对之后变了，没有下单"),
        "{screen}"
    );
    let mut app = at_step(Step::Submit, |d| {
        d.scan_path = "/tmp/signed.png".into();
        d.scan = Some(ca_counter::tui::files::FileInfo::default());
    });
    app.answer::<NewApp>(newapp::Answer::Submitted {
        draft: draft_id(PAYING_DRAFT),
        result: Err(newapp::messages::SubmitError::Upload(
            "HN20261128000009".into(),
            problem("validation_failed", 422, "扫描件不符"),
        )),
    });
    let scan = app
        .tab::<NewApp>()
        .and_then(NewApp::sheet)
        .map(|s| s.draft.scan.is_some());
    assert_eq!(scan, Some(false), "no ✓ beside a refused scan");
    assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Scan));
    // Enter there checks the scan again (to send it), not "print and sign again".
    app.take_jobs();
    key(&mut app, KeyCode::Enter);
    assert!(
        sent::<newapp::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, newapp::Request::CheckScan { .. }))
    );
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("申请内容在扫描件核对后有改动"), "{screen}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.tab::<NewApp>().map(NewApp::step), Some(Step::Scan));
    let screen = render(&app, 80, 24);
    let flat: String = screen.split_whitespace().collect();
    assert!(
        flat.contains("订单HN20261128000009已经创建，内容不能再改"),
        "{screen}"
    );
}

/// The draft counts as printed once the form is printed or saved, not when it is asked
/// for: a print the platform refused leaves no paper, and a change after it keeps the
/// reference.
#[test]
fn a_form_counts_as_printed_once_it_is() {
    let mut app = at_step(Step::Scan, |_| {});
    let printed = |app: &ca_counter::tui::app::App| {
        app.tab::<NewApp>()
            .and_then(NewApp::sheet)
            .and_then(|s| s.draft.printed.clone())
    };
    ctrl(&mut app, 'p');
    assert!(
        sent::<newapp::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, newapp::Request::PrintForm { .. }))
    );
    assert_eq!(printed(&app), None, "asked, not printed");
    app.answer::<NewApp>(newapp::Answer::Printed {
        draft: draft_id(PAYING_DRAFT),
        result: Err(ca_counter::tui::print::PrintError::Save(
            "/nowhere/form.pdf".into(),
            std::io::ErrorKind::PermissionDenied,
        )),
    });
    assert_eq!(printed(&app), None, "nothing saved");
    ctrl(&mut app, 'p');
    app.take_jobs();
    app.answer::<NewApp>(newapp::Answer::Printed {
        draft: draft_id(PAYING_DRAFT),
        result: Ok(ca_counter::tui::print::Printed {
            to: ca_counter::tui::print::PrintedTo::Saved("/tmp/SQ-申请表.pdf".into()),
            unprintable: vec![],
        }),
    });
    assert!(printed(&app).is_some());
}

/// The platform refusing the counter's token while a code is on screen: the code stays
/// whole at 80×24 (it gave way to "no room for the code"), and the refusal is said once,
/// beside it.
#[test]
fn a_refused_token_leaves_the_code_on_screen_and_is_said_once() {
    for lang in Lang::ALL {
        let live = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
        let mut app = realname_app_until(lang, live);
        let before = render(&app, 80, 24);
        assert!(
            before.contains("▀") || before.contains("█"),
            "a code: {before}"
        );
        let refused = || problem("unauthorized", 401, "missing or invalid access token");
        // A fresh code asked for (`r`), refused, and the frame's own check refused too.
        app.answer::<NewApp>(newapp::Answer::Realname {
            draft: draft_id("01a22342-0000-7000-8000-000000000001"),
            result: Err(refused()),
        });
        app.frame_answer(ca_counter::tui::app::FrameAnswer::Me(Err(refused())));
        let screen = render(&app, 80, 24);
        let told = ca_counter::tui::text::describe(
            &problem("unauthorized", 401, "missing or invalid access token"),
            lang,
        )
        .get(lang);
        let first: String = told.chars().take(6).collect();
        assert_eq!(
            screen.matches(first.as_str()).count(),
            1,
            "{first}: {screen}"
        );
        assert!(
            !screen.contains("放不下二维码") && !screen.contains("no room for the code"),
            "{screen}"
        );
        // The code's rows are as they were.
        let code = |s: &str| {
            s.lines()
                .filter(|l| l.contains("█") || l.contains("▀"))
                .count()
        };
        assert_eq!(code(&screen), code(&before), "{screen}");
    }
}

/// `p 改扫码` on the transfer screen: once the order is back to paying online, the code is
/// asked for at once (it went back to the choice of how to pay, and `p` again) — also when
/// the order's own event comes before the platform's answer (it said only that the order
/// awaits payment).
#[test]
fn back_from_a_transfer_to_paying_online_opens_the_code() {
    for event_first in [false, true] {
        let mut app = submitted(Lang::ZhCn, OrderStatus::PendingVoucher);
        app.take_jobs();
        key(&mut app, KeyCode::Char('p'));
        let asked: Vec<newapp::Request> = sent(&app.take_jobs());
        assert!(
            asked.iter().any(|r| matches!(
                r,
                newapp::Request::Act {
                    action: ca_counter::domain::Action::ChooseOnlinePayment,
                    ..
                }
            )),
            "{asked:?}"
        );
        let mut o = order();
        o.order_no = no("HN20261128000006");
        o.status = OrderStatus::PendingPayment;
        o.version = 3;
        if event_first {
            app.on_msg(ca_counter::tui::net::Msg::Event(
                ca_counter::api::OrderEvent {
                    id: COUNTS_AS_OF + 1,
                    order_no: o.order_no.clone(),
                    kind: "transition".into(),
                    action: Some("choose_online_payment".into()),
                    status: OrderStatus::PendingPayment,
                    from: Some(OrderStatus::PendingVoucher),
                    version: 3,
                    at: "2026-11-28T08:00:00Z".into(),
                    order: None,
                },
            ));
        }
        app.answer::<NewApp>(newapp::Answer::Acted {
            draft: draft_id(PAYING_DRAFT),
            result: Ok(o),
        });
        let asked: Vec<newapp::Request> = sent(&app.take_jobs());
        assert!(
            asked.iter().any(
                |r| matches!(r, newapp::Request::OpenPayment { order_no, .. }
                if order_no == "HN20261128000006")
            ),
            "event first: {event_first}: {asked:?}"
        );
    }
}
