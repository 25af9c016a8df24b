//! 新申请: every step, with its messages, codes, drafts and payments.

use ca_counter::api::{Health, Product, Project, Terms};
use ca_counter::domain::{OrderStatus, UserType};
use ca_counter::i18n::Lang;
use ca_counter::tui::app::{App, FrameAnswer};
use ca_counter::tui::files::{CodeRead, FileInfo, FileProblem};
use ca_counter::tui::tabs::newapp::draft::{
    Choice, CustomerInfo, Draft, EarlierCheck, PaymentInfo, RealnameInfo, Step,
};
use ca_counter::tui::tabs::newapp::{self, NewApp};
use crossterm::event::KeyCode;

use super::{Scene, scene, walk};
use crate::fixtures::*;

const DRAFT: &str = "01a22342-0000-7000-8000-000000000001";

fn customer(verified: bool) -> CustomerInfo {
    CustomerInfo {
        id: "c".into(),
        name: "欧阳娜娜".into(),
        phone: "13912345678".into(),
        verified,
        order_count: 2,
        earlier_check: None,
    }
}

fn choice(user_type: UserType) -> Choice {
    Choice {
        project_id: "p1".into(),
        project_name: "湖南省政府采购电子卖场（含长沙市、湘潭市分站）".into(),
        product_id: "k1".into(),
        product_name: "机构证书（1年）".into(),
        user_type: Some(user_type),
        validity_years: 1,
        price_fen: 30_000,
    }
}

fn projects() -> Vec<Project> {
    let product = |id: &str, name: &str, user_type, price_fen| Product {
        id: id.into(),
        code: id.into(),
        name: name.into(),
        user_type,
        validity_years: 1,
        price_fen,
    };
    vec![
        Project {
            id: "p1".into(),
            code: "xt".into(),
            name: "湘潭市公共资源交易系统".into(),
            region: "湘潭市".into(),
            initials: "xtsggzyjyxt".into(),
            products: vec![
                product("k1", "个人证书（1年）", UserType::Individual, 20_000),
                product(
                    "k2",
                    "机构证书（1年，含电子印章）",
                    UserType::Organization,
                    120_000,
                ),
            ],
        },
        Project {
            id: "p2".into(),
            code: "zf".into(),
            name: "湖南省政府采购电子卖场（含长沙市、湘潭市分站）".into(),
            region: "湖南省".into(),
            initials: "hnszfcgdzmc".into(),
            products: vec![product(
                "k3",
                "个人证书（2年）",
                UserType::Individual,
                30_000,
            )],
        },
    ]
}

/// The tab with one draft, shaped by `edit`.
fn at(lang: Lang, edit: impl FnOnce(&mut Draft)) -> App {
    let mut app = app(lang);
    let mut draft = Draft {
        id: draft_id(DRAFT),
        reference: "SQ7F3K9QAB".into(),
        ..Draft::default()
    };
    edit(&mut draft);
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        *newapp = NewApp::with_drafts(vec![draft]);
        newapp.projects = projects();
        newapp.terms = Some(Terms {
            version: "2026-11".into(),
            text: "一、适用范围\n本条款适用于湖南省数字证书认证中心签发的数字证书。The certificate is issued to the applicant named in the form and may not be lent.\n二、申请人义务\n1. 申请人应提供真实、准确、完整的信息。".into(),
        });
        newapp.bank = Some(ca_counter::api::BankAccount {
            account_name: "湖南省数字证书认证中心有限公司（Hunan CA Co., Ltd.）".into(),
            bank: "中国银行股份有限公司长沙芙蓉支行".into(),
            account_no: "6222021000001234567".into(),
        });
    }
    app.show_tab::<NewApp>();
    app
}

fn realname(status: &str, reason: Option<&str>) -> impl FnOnce(&mut Draft) {
    let status = status.to_owned();
    let reason = reason.map(str::to_owned);
    move |d: &mut Draft| {
        d.step = Step::Realname;
        d.phone = "13912345678".into();
        d.customer = Some(customer(false));
        d.realname = Some(RealnameInfo {
            session_id: "s".into(),
            url: "http://127.0.0.1:41265/m/realname/AbCdEfGhIjKlMnOpQrStUv".into(),
            expires_at: stamp(time::OffsetDateTime::now_utc() + time::Duration::minutes(10)),
            status,
            attempts: 2,
            reason_code: reason.as_ref().map(|_| "name_mismatch".to_owned()),
            reason,
            ..RealnameInfo::default()
        });
    }
}

fn form(user_type: UserType, focus: &str) -> impl FnOnce(&mut Draft) {
    let focus = focus.to_owned();
    move |d: &mut Draft| {
        d.step = Step::Form;
        d.phone = "13912345678".into();
        d.customer = Some(customer(true));
        d.choice = Some(choice(user_type));
        d.focus = focus;
        for (k, v) in [
            ("applicant.name", "欧阳娜娜"),
            ("applicant.id_number", "11010519491231002X"),
            ("applicant.phone", "1391234567"),
            ("applicant.email", "nana@"),
            ("organization.uscc", "91110000600037341A"),
            ("mailing.recipient", "欧阳娜娜"),
            ("mailing.phone", "13912345678"),
            ("mailing.province", "湖南省"),
            ("mailing.city", "!!@@"),
        ] {
            d.fields.insert(k.into(), v.into());
        }
    }
}

fn done(status: OrderStatus, edit: impl FnOnce(&mut Draft)) -> impl FnOnce(&mut Draft) {
    move |d: &mut Draft| {
        d.step = Step::Done;
        d.customer = Some(customer(true));
        d.choice = Some(choice(UserType::Individual));
        d.order_no = Some("HN20261128000006".into());
        d.order_version = 2;
        d.order_status = Some(status);
        edit(d);
    }
}

/// Leaves each field of the form once (each is checked as it is left).
fn leave_all(app: &mut App, count: usize) {
    for _ in 0..count {
        key(app, KeyCode::Tab);
    }
}

/// At `step`, Ctrl-P, and the platform refuses the form for a character its fonts cannot
/// print in the street (an emoji pasted there).
fn refused_print(lang: Lang, step: impl FnOnce(&mut Draft)) -> App {
    let mut a = at(lang, step);
    ctrl(&mut a, 'p');
    let mut refusal = problem("validation_failed", 422, "有 1 处输入需要修改");
    if let ca_counter::api::ClientError::Problem(p) = &mut refusal {
        p.errors = vec![ca_counter::api::FieldError {
            field: "mailing.street".into(),
            message: "“😀”无法打印在申请表上；请换一种写法，确需此字的请联系客服".into(),
        }];
    }
    a.answer::<NewApp>(newapp::Answer::Printed {
        draft: draft_id(DRAFT),
        result: Err(ca_counter::tui::print::PrintError::Platform(refusal)),
    });
    a
}

/// `app` with `notice` on its shown draft.
fn with_notice(mut app: App, notice: ca_counter::tui::text::Notice) -> App {
    if let Some(sheet) = app.tab_mut::<NewApp>().and_then(|n| n.sheets.first_mut()) {
        sheet.notice = Some(notice);
    }
    app
}

fn offline() -> ca_counter::tui::text::Notice {
    ca_counter::tui::text::Notice::error(ca_counter::tui::text::Text::from(
        ca_counter::i18n::T::ErrOfflineKept,
    ))
}

fn saved() -> ca_counter::tui::text::Notice {
    ca_counter::tui::print::printed_notice(
        &Ok(ca_counter::tui::print::Printed {
            to: ca_counter::tui::print::PrintedTo::Saved(
                "/home/clerk/.local/share/ca-counter/prints/HN20261128000001-受理回执.pdf".into(),
            ),
            unprintable: vec![],
        }),
        Lang::ZhCn,
    )
}

fn scenes(lang: Lang) -> Vec<Scene> {
    let mut out = vec![scene("customer", at(lang, |_| {}))];
    let mut a = at(lang, |d| d.phone = "1391234567".into());
    key(&mut a, KeyCode::Enter);
    out.push(scene("customer, bad number", a));
    let mut a = at(lang, |d| {
        d.phone = "13912345678".into();
        d.new_name = String::new();
    });
    key(&mut a, KeyCode::Enter);
    a.answer::<NewApp>(newapp::Answer::CustomerFound {
        draft: draft_id(DRAFT),
        result: Ok(None),
    });
    key(&mut a, KeyCode::Enter);
    out.push(scene("customer, new, no name", a));

    out.push(scene(
        "real-name code",
        at(lang, realname("pending", Some("姓名与柜台登记的不一致"))),
    ));
    out.push(scene(
        "real-name code locked over the name",
        at(lang, |d: &mut Draft| {
            realname("locked", Some("姓名与柜台登记的不一致"))(d);
            if let Some(r) = d.realname.as_mut() {
                r.reason_code = Some("name_mismatch".into());
                r.attempts = 5;
            }
        }),
    ));
    for (name, reason, locked) in [
        ("over the name", Some("name_mismatch"), true),
        ("locked", Some("face_failed"), true),
        ("not locked", Some("face_failed"), false),
    ] {
        out.push(scene(
            &format!("real-name code, an earlier check failed {name}"),
            at(lang, |d: &mut Draft| {
                realname("pending", None)(d);
                if let Some(customer) = d.customer.as_mut() {
                    customer.earlier_check = Some(EarlierCheck {
                        reason: reason.map(str::to_owned),
                        text: "人脸比对未通过（请在光线充足处正对镜头重试）".into(),
                        locked,
                    });
                }
            }),
        ));
    }
    out.push(scene(
        "real-name code, ID number mistyped on the phone",
        at(lang, |d: &mut Draft| {
            realname("pending", Some("身份证号不正确"))(d);
            if let Some(r) = d.realname.as_mut() {
                r.reason_code = Some("id_number_invalid".into());
                r.attempts = 0;
            }
        }),
    ));
    let mut a = at(lang, realname("pending", None));
    a.shared.embedded = true;
    out.push(scene("real-name code, embedded platform", a));
    out.push(scene(
        "real-name code, platform unreachable",
        with_notice(at(lang, realname("pending", None)), offline()),
    ));
    let mut a = at(lang, realname("pending", None));
    ctrl(&mut a, 'd');
    ctrl(&mut a, 'n');
    ctrl(&mut a, 'o');
    ctrl(&mut a, 'd');
    out.push(scene("two drafts, discard asked", a));
    out.push(scene(
        "real-name locked",
        at(lang, realname("locked", Some("身份证号不正确"))),
    ));
    out.push(scene(
        "real-name superseded",
        at(lang, realname("superseded", None)),
    ));
    let mut a = at(lang, realname("pending", None));
    key(&mut a, KeyCode::Char('e'));
    ctrl(&mut a, 'u');
    key(&mut a, KeyCode::Enter);
    out.push(scene("renaming, no name", a));
    let mut a = at(lang, realname("pending", None));
    key(&mut a, KeyCode::Char('z'));
    out.push(scene("code enlarged", a));

    out.push(scene(
        "verified",
        at(lang, |d| {
            d.step = Step::Realname;
            d.customer = Some(customer(true));
        }),
    ));
    let project = |d: &mut Draft| {
        d.step = Step::Project;
        d.customer = Some(customer(true));
    };
    out.push(scene("projects", at(lang, project)));
    let mut a = at(lang, project);
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Down);
    out.push(scene("products", a));
    let mut a = at(lang, project);
    if let Some(n) = a.tab_mut::<NewApp>() {
        n.projects.clear();
    }
    out.push(scene("no project found", a));
    out.push(scene(
        "terms",
        at(lang, |d| {
            d.step = Step::Terms;
            d.customer = Some(customer(true));
            d.choice = Some(choice(UserType::Organization));
        }),
    ));

    let mut a = at(lang, form(UserType::Individual, "applicant.phone"));
    leave_all(&mut a, 9);
    out.push(scene("form, individual, checked", a));
    let mut a = at(lang, form(UserType::Organization, "organization.name"));
    leave_all(&mut a, 12);
    out.push(scene("form, organisation, at the end", a));
    let mut a = at(lang, form(UserType::Organization, "organization.name"));
    leave_all(&mut a, 3);
    out.push(scene("form, organisation, at the start", a));

    let scan = |d: &mut Draft| {
        d.step = Step::Scan;
        d.customer = Some(customer(true));
        d.choice = Some(choice(UserType::Individual));
        d.scan_path = "/home/clerk/扫描件/申请表-欧阳娜娜-2026年11月28日下午.pdf".into();
    };
    out.push(scene("scan", at(lang, scan)));
    let mut a = at(lang, scan);
    key(&mut a, KeyCode::Enter);
    a.answer::<NewApp>(newapp::Answer::ScanChecked {
        draft: draft_id(DRAFT),
        path: "/home/clerk/扫描件/申请表-欧阳娜娜-2026年11月28日下午.pdf".into(),
        result: Err(FileProblem::TooLarge(31_457_280, 10_485_760)),
    });
    out.push(scene("scan too large", a));
    let mut a = at(lang, scan);
    key(&mut a, KeyCode::Enter);
    a.answer::<NewApp>(newapp::Answer::ScanChecked {
        draft: draft_id(DRAFT),
        path: "/home/clerk/扫描件/申请表-欧阳娜娜-2026年11月28日下午.pdf".into(),
        result: Err(FileProblem::OtherPaper(
            "SQ9X2M4HCD".into(),
            "SQ7F3K9QAB".into(),
        )),
    });
    out.push(scene("scan of another application's form", a));
    let mut a = at(lang, scan);
    ctrl(&mut a, 'p');
    a.answer::<NewApp>(newapp::Answer::Printed {
        draft: draft_id(DRAFT),
        result: Ok(ca_counter::tui::print::Printed {
            to: ca_counter::tui::print::PrintedTo::Printer(
                "Counter-Printer-2F-East".into(),
                "/home/clerk/.local/share/ca-counter/prints/SQ7F3K9QAB-申请表.pdf".into(),
            ),
            unprintable: vec![],
        }),
    });
    out.push(scene("scan, form printed", a));
    out.push(scene(
        "scan, form refused for a field",
        refused_print(lang, scan),
    ));
    let checked = |d: &mut Draft| {
        scan(d);
        d.scan = Some(FileInfo {
            path: d.scan_path.clone(),
            content_type: "application/pdf".into(),
            size: 2_345_678,
            detail: String::new(),
            pages: Some(2),
            code: CodeRead::NotRead,
        });
    };
    out.push(scene("scan checked", at(lang, checked)));
    for (name, code) in [
        ("scan checked, its code read", CodeRead::Matches),
        ("scan checked, no code read", CodeRead::NoCode),
    ] {
        out.push(scene(
            name,
            at(lang, |d| {
                scan(d);
                d.scan = Some(FileInfo {
                    path: d.scan_path.clone(),
                    content_type: "image/jpeg".into(),
                    size: 1_234_567,
                    detail: "2480×3508 px".into(),
                    pages: None,
                    code,
                });
            }),
        ));
    }
    let dir = tempfile::tempdir().expect("dir");
    for name in [
        "申请表-张三.png",
        "申请表-李四.pdf",
        "申请表-王五-补正.jpg",
        "voucher.jpg",
    ] {
        std::fs::write(dir.path().join(name), b"x").expect("file");
    }
    let typed_path = format!("{}/申", dir.path().display());
    let mut a = at(lang, |d| {
        scan(d);
        d.scan_path = typed_path.clone();
    });
    key(&mut a, KeyCode::Tab);
    out.push(scene("scan, path choices", a));

    let a = at(lang, |d| {
        checked(d);
        d.step = Step::Submit;
        for (k, v) in [
            ("applicant.name", "欧阳娜娜"),
            ("applicant.id_number", "11010519491231002X"),
            ("mailing.recipient", "欧阳娜娜"),
            ("mailing.phone", "13912345678"),
            ("mailing.province", "湖南省"),
            ("mailing.city", "长沙市"),
            ("mailing.district", "岳麓区"),
            ("mailing.street", "麓山南路 932 号湖南大学第二教学楼 201 室"),
            ("mailing.postal_code", "410083"),
        ] {
            d.fields.insert(k.into(), v.into());
        }
    });
    out.push(scene("submit", a));
    let mut a = at(lang, |d| {
        checked(d);
        d.step = Step::Submit;
    });
    key(&mut a, KeyCode::Enter);
    a.answer::<NewApp>(newapp::Answer::Submitted {
        draft: draft_id(DRAFT),
        result: Err(newapp::messages::SubmitError::Upload(
            "HN20261128000006".into(),
            problem(
                "unavailable",
                503,
                "服务暂不可用：数据库忙或不可用，请稍后重试",
            ),
        )),
    });
    out.push(scene("submitted without the scan", a));

    out.push(scene(
        "pay: choose",
        at(lang, done(OrderStatus::PendingPayment, |_| {})),
    ));
    let mut a = at(lang, done(OrderStatus::PendingPayment, |_| {}));
    a.frame_answer(FrameAnswer::Health(Ok(Health {
        status: "ok".into(),
        version: "t".into(),
        database: "sqlite".into(),
        max_upload_bytes: 10 << 20,
        public_base_url: String::new(),
        qr_payment: false,
        demo_parts: vec![],
        seller_tax_number: SELLER.into(),
    })));
    out.push(scene("pay: no QR payment", a));
    out.push(scene(
        "pay: code expired",
        at(
            lang,
            done(OrderStatus::PendingPayment, |d| {
                d.payment = Some(PaymentInfo {
                    url: "https://qr.alipay.com/bax03431ljhokirwl38f00a7".into(),
                    amount_fen: 30_000,
                    expires_at: "2026-11-28T07:00:00Z".into(),
                    demo: false,
                });
            }),
        ),
    ));
    // The platform's sandbox cashier's live code (said beside the code as the demo).
    let paying = |d: &mut Draft| {
        done(OrderStatus::PendingPayment, |d| {
            d.payment = Some(PaymentInfo {
                url: "http://127.0.0.1:41265/m/pay/AbCdEfGhIjKlMnOpQrStUv".into(),
                amount_fen: 30_000,
                expires_at: stamp(time::OffsetDateTime::now_utc() + time::Duration::minutes(15)),
                demo: true,
            });
        })(d)
    };
    out.push(scene("pay: code", at(lang, paying)));
    out.push(scene(
        "pay: code, receipt saved",
        with_notice(at(lang, paying), saved()),
    ));
    out.push(scene(
        "pay: transfer",
        at(lang, done(OrderStatus::PendingVoucher, |_| {})),
    ));
    let mut a = at(lang, done(OrderStatus::PendingVoucher, |_| {}));
    key(&mut a, KeyCode::Char('u'));
    typed(&mut a, &format!("{}/申", dir.path().display()));
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Enter);
    a.answer::<NewApp>(newapp::Answer::Acted {
        draft: draft_id(DRAFT),
        result: Err(ca_counter::tui::files::ActFailure::File(
            dir.path().join("申请表-王五-补正.jpg"),
            FileProblem::NotAScan,
        )),
    });
    out.push(scene("pay: voucher refused", a));
    out.push(scene(
        "pay: paid",
        at(lang, done(OrderStatus::PendingReview, |_| {})),
    ));
    out.push(scene(
        "pay: voucher in review",
        at(
            lang,
            done(OrderStatus::PendingReview, |d| d.by_transfer = true),
        ),
    ));
    out.push(scene(
        "pay: moved on",
        at(lang, done(OrderStatus::Cancelled, |_| {})),
    ));
    let mut a = at(lang, done(OrderStatus::PendingPayment, |_| {}));
    key(&mut a, KeyCode::Char('b'));
    out.push(scene("pay: working", a));
    out
}

#[test]
fn every_new_application_screen_is_whole_at_80_by_24() {
    walk(scenes);
}

/// Switched to an organisation after the mailing address was typed (Esc to the terms, `t`,
/// `a`), the form opens on the company's name — the first field still empty — not on the
/// street where the cursor was: what the clerk types next is the company's name.
#[test]
fn switched_to_an_organisation_the_form_opens_on_the_companys_name() {
    let mut a = at(Lang::ZhCn, |d| {
        form(UserType::Individual, "mailing.street")(d);
        d.step = Step::Terms;
    });
    key(&mut a, KeyCode::Char('t'));
    key(&mut a, KeyCode::Char('a'));
    typed(&mut a, "长沙甲乙丙有限公司");
    let newapp = a.tab_mut::<NewApp>().expect("the tab");
    let sheet = newapp.sheet().expect("a draft");
    assert_eq!(newapp.step(), Step::Form);
    assert_eq!(sheet.draft.focus, "organization.name");
    assert_eq!(sheet.text("organization.name"), "长沙甲乙丙有限公司");
    assert!(!sheet.text("mailing.street").contains("有限公司"));
}

/// Back at the project step to change the product (Esc from the terms), the lists open on
/// what was chosen — the project, and its product among several — not on the first.
#[test]
fn back_at_the_project_step_the_choice_is_selected() {
    let mut a = at(Lang::ZhCn, |d| {
        d.customer = Some(customer(true));
        d.choice = Some(Choice {
            project_id: "p1".into(),
            project_name: "湘潭市公共资源交易系统".into(),
            product_id: "k2".into(),
            product_name: "机构证书（1年，含电子印章）".into(),
            ..choice(UserType::Organization)
        });
        d.step = Step::Terms;
    });
    key(&mut a, KeyCode::Esc);
    let seq = {
        let newapp = a.tab_mut::<NewApp>().expect("the tab");
        assert_eq!(newapp.step(), Step::Project);
        newapp.projects_seq()
    };
    a.answer::<NewApp>(newapp::Answer::Projects {
        seq,
        result: Ok(projects()),
    });
    let newapp = a.tab_mut::<NewApp>().expect("the tab");
    assert_eq!((newapp.project_sel, newapp.product_sel), (0, Some(1)));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("机构证书（1年，含电子印章）"), "{screen}");
    // Typing a search starts from the top again.
    typed(&mut a, "湖南");
    let newapp = a.tab_mut::<NewApp>().expect("the tab");
    assert_eq!(newapp.project_sel, 0);
}

/// A PDF of the signed form whose code could not be read (its pages drawn, not scanned):
/// the clerk is told to look at the paper (another customer's form would pass); a
/// picture's code is read and says nothing of the kind.
#[test]
fn a_pdf_scan_tells_the_clerk_its_code_is_not_checked() {
    for (lang, said) in [
        (Lang::ZhCn, "PDF 上的二维码不自动核对"),
        (Lang::En, "a PDF's QR code is not checked"),
    ] {
        for (content_type, code, shown) in [
            ("application/pdf", CodeRead::NotRead, true),
            ("image/jpeg", CodeRead::Matches, false),
        ] {
            let a = at(lang, |d| {
                d.step = Step::Scan;
                d.customer = Some(customer(true));
                d.choice = Some(choice(UserType::Individual));
                d.scan_path = "/home/clerk/申请表.pdf".into();
                d.scan = Some(FileInfo {
                    path: d.scan_path.clone(),
                    content_type: content_type.into(),
                    size: 534_000,
                    detail: String::new(),
                    pages: Some(1),
                    code,
                });
            });
            let screen = render(&a, 80, 24);
            assert_eq!(screen.contains(said), shown, "{content_type}:\n{screen}");
        }
    }
}

/// With the built-in cashier, the way to pay is named as what it is: a demo cashier, not
/// Alipay — before the clerk tells the customer to open Alipay.
#[test]
fn the_demo_cashier_is_not_offered_as_alipay() {
    let mut a = at(Lang::ZhCn, done(OrderStatus::PendingPayment, |_| {}));
    platform_demo(&mut a, vec![ca_counter::api::DemoPart::Cashier]);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("演示收银台扫码"), "{screen}");
    assert!(!screen.contains("支付宝扫码"), "{screen}");
}

/// The terms the customer reads follow a language switch: asked for again in the shown
/// language, not left in the one they were fetched in (English terms once stayed on the
/// Chinese screen after switching there and back).
#[test]
fn a_language_switch_asks_for_the_terms_again() {
    let mut a = at(Lang::ZhCn, |d| {
        d.customer = Some(customer(true));
        d.choice = Some(choice(UserType::Individual));
        d.step = Step::Terms;
    });
    a.take_jobs();
    ctrl(&mut a, 'l');
    let asked = sent::<newapp::Request>(&a.take_jobs());
    assert!(asked.contains(&newapp::Request::Terms), "{asked:?}");
}

/// The summary checked before submitting shows the e-mail the invoice and notices go to,
/// with the rest of what was typed.
#[test]
fn the_summary_before_submitting_shows_the_email() {
    let a = at(Lang::ZhCn, |d| {
        form(UserType::Individual, "")(d);
        d.fields
            .insert("applicant.email".into(), "nana@example.com".into());
        d.step = Step::Submit;
    });
    let screen = render(&a, 80, 24);
    assert!(screen.contains("nana@example.com"), "{screen}");
    // An address typed in Latin letters reads with its spaces (it ran district and street
    // together: "YueluLushan South Rd").
    let a = at(Lang::En, |d| {
        form(UserType::Individual, "")(d);
        for (field, value) in [
            ("mailing.city", "Changsha"),
            ("mailing.district", "Yuelu"),
            ("mailing.street", "Lushan South Rd 932"),
        ] {
            d.fields.insert(field.into(), value.into());
        }
        d.step = Step::Submit;
    });
    let screen = render(&a, 80, 24);
    assert!(screen.contains("Yuelu Lushan South Rd 932"), "{screen}");
}

/// A form the platform refuses to print for a field — from the scan step, where Ctrl-P
/// prints it too — goes back to the form with the message under that field and the
/// cursor on it, not at the bottom of the scan step (it was lost on the way back).
#[test]
fn a_form_refused_at_printing_goes_back_to_its_field() {
    let scan = |d: &mut Draft| {
        d.step = Step::Scan;
        d.customer = Some(customer(true));
        d.choice = Some(choice(UserType::Individual));
    };
    let a = refused_print(Lang::ZhCn, scan);
    let draft = a
        .tab::<NewApp>()
        .and_then(|n| n.sheet())
        .map(|s| (s.draft.step, s.draft.focus.clone()))
        .expect("a sheet");
    assert_eq!(draft, (Step::Form, "mailing.street".to_owned()));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("无法打印在申请表上"), "{screen}");
}

/// A message about a code on screen (the platform out of reach when a new one was asked,
/// the receipt saved while the customer pays) goes beside the code, which stays whole at
/// 80×24 (it went under the screen and took the code's rows: "no room for the code");
/// "cannot reach the platform" goes once the link is back.
#[test]
fn a_message_beside_a_live_code_leaves_the_code_on_screen() {
    for lang in Lang::ALL {
        for (notice, said) in [
            (offline(), ca_counter::i18n::T::ErrOfflineKept.get(lang)),
            (saved(), "HN20261128000001-受理回执.pdf"),
        ] {
            let app = with_notice(at(lang, realname("pending", None)), notice);
            let screen = render(&app, 80, 24);
            assert!(
                !screen.contains(ca_counter::i18n::T::EnlargeToSee.get(lang)),
                "{screen}"
            );
            assert!(screen.contains('▀') || screen.contains('▄'), "{screen}");
            let (screen, problems) = crate::walk::check::draw(&app, 80, 24);
            assert!(problems.is_empty(), "{problems:?}\n{screen}");
            assert!(
                crate::walk::check::drawn_texts(&app, 80, 24)
                    .iter()
                    .any(|t| t.contains(said)),
                "{said} not drawn:\n{screen}"
            );
        }
    }
    let mut app = with_notice(at(Lang::ZhCn, realname("pending", None)), offline());
    app.on_msg(ca_counter::tui::net::Msg::Reconnecting {
        attempt: 1,
        reason: "closed".into(),
    });
    app.on_msg(ca_counter::tui::net::Msg::Online);
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("连不上平台"), "{screen}");
}

/// A returning customer applying for a product they have an order for still under way (a
/// walk-in who came back to ask about the first): said at once, whole at 80×24, with the
/// way out; another product, or the platform out of reach, says nothing.
#[test]
fn a_second_application_for_a_product_under_way_is_said() {
    for lang in Lang::ALL {
        let mut a = at(lang, |d| {
            d.step = Step::Project;
            d.phone = "13912345678".into();
            d.customer = Some(customer(true));
        });
        a.take_jobs();
        key(&mut a, KeyCode::Enter);
        key(&mut a, KeyCode::Enter);
        let asked = sent::<newapp::Request>(&a.take_jobs());
        assert!(
            asked.iter().any(|r| matches!(
                r,
                newapp::Request::OpenOrders { phone, .. } if phone == "13912345678"
            )),
            "{asked:?}"
        );
        let mut same = summary(7, "欧阳娜娜", OrderStatus::PendingReview, 60);
        same.product_name = "个人证书（1年）".into();
        let mut other = summary(8, "欧阳娜娜", OrderStatus::PendingShipment, 60);
        other.product_name = "机构证书（1年，含电子印章）".into();
        a.answer::<NewApp>(newapp::Answer::OpenOrders {
            draft: draft_id(DRAFT),
            result: Ok(vec![same, other]),
        });
        let (screen, problems) = crate::walk::check::draw(&a, 80, 24);
        assert!(problems.is_empty(), "{problems:?}\n{screen}");
        assert!(screen.contains("HN20261128000007"), "{screen}");
        assert!(!screen.contains("HN20261128000008"), "{screen}");
        assert!(screen.contains("Ctrl-D"), "{screen}");
    }
    let mut a = at(Lang::ZhCn, |d| {
        d.step = Step::Project;
        d.phone = "13912345678".into();
        d.customer = Some(customer(true));
    });
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    let mut elsewhere = summary(9, "欧阳娜娜", OrderStatus::PendingReview, 60);
    elsewhere.project_name = "湖南省政府采购电子卖场（含长沙市、湘潭市分站）".into();
    a.answer::<NewApp>(newapp::Answer::OpenOrders {
        draft: draft_id(DRAFT),
        result: Ok(vec![elsewhere]),
    });
    let screen = render(&a, 80, 24);
    assert!(!screen.contains("HN20261128000009"), "{screen}");
}

/// The platform's terms changed under the draft (a new version put in force): the form's
/// print refused for `terms_version` goes back to the terms, asked for again, to be read and
/// accepted again — not a bare error the clerk cannot act on; what was typed is kept, and a
/// field the platform named with it keeps its message.
#[test]
fn terms_changed_under_a_draft_go_back_to_the_terms() {
    let scan = |d: &mut Draft| {
        d.step = Step::Scan;
        d.customer = Some(customer(true));
        d.choice = Some(choice(UserType::Individual));
        d.terms_accepted = Some("2026-11".into());
    };
    let mut a = at(Lang::ZhCn, scan);
    ctrl(&mut a, 'p');
    a.take_jobs();
    let mut refusal = problem("validation_failed", 422, "有 2 处输入需要修改");
    if let ca_counter::api::ClientError::Problem(p) = &mut refusal {
        p.errors = vec![
            ca_counter::api::FieldError {
                field: "terms_version".into(),
                message: "条款版本 2026-11 不是现行版本（2026-12）".into(),
            },
            ca_counter::api::FieldError {
                field: "mailing.street".into(),
                message: "“😀”无法打印在申请表上".into(),
            },
        ];
    }
    a.answer::<NewApp>(newapp::Answer::Printed {
        draft: draft_id(DRAFT),
        result: Err(ca_counter::tui::print::PrintError::Platform(refusal)),
    });
    let jobs = a.take_jobs();
    assert!(
        sent::<newapp::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, newapp::Request::Terms)),
        "the terms asked for again"
    );
    let sheet = a.tab::<NewApp>().and_then(|n| n.sheet()).expect("a sheet");
    assert_eq!(sheet.draft.step, Step::Terms);
    assert_eq!(sheet.draft.terms_accepted, None);
    assert!(sheet.errors.contains_key("mailing.street"));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("申请条款已更新"), "{screen}");
}

/// A second draft beside the one shown (a verified customer's, as `edit` makes it); what
/// was asked until then is taken.
fn with_second_draft(a: &mut App, edit: impl FnOnce(&mut Draft)) {
    let mut other = Draft {
        id: draft_id("01a22342-0000-7000-8000-000000000009"),
        reference: "SQ7F3K9QXY".into(),
        customer: Some(customer(true)),
        ..Draft::default()
    };
    edit(&mut other);
    if let Some(newapp) = a.tab_mut::<NewApp>() {
        newapp.sheets.push(newapp::sheet::Sheet::new(other));
    }
    a.take_jobs();
}

/// Ctrl-O to a draft at the project step: its own search is asked, the list of the draft
/// left is not shown under this one's search text nor chosen from (Enter took the other
/// draft's first project), and no product is half chosen.
#[test]
fn another_draft_shown_asks_its_own_project_search() {
    let mut a = at(Lang::ZhCn, |d| {
        d.step = Step::Project;
        d.customer = Some(customer(true));
        d.project_query = "zz".into();
    });
    with_second_draft(&mut a, |d| {
        d.step = Step::Project;
        d.project_query = "cs".into();
        d.phone = "13900000000".into();
    });
    if let Some(newapp) = a.tab_mut::<NewApp>() {
        newapp.product_sel = Some(0);
    }
    ctrl(&mut a, 'o');
    let asked = sent::<newapp::Request>(&a.take_jobs());
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, newapp::Request::Projects { query, .. } if query == "cs")),
        "{asked:?}"
    );
    let newapp = a.tab_mut::<NewApp>().expect("the tab");
    assert!(newapp.projects.is_empty() && newapp.product_sel.is_none());
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("cs") && !screen.contains("湘潭市公共资源交易系统"),
        "{screen}"
    );
}

/// The payment code enlarged (`z`) when the customer pays: the full screen goes with the
/// code, and the keys the paid screen offers work at once (they did nothing until Esc).
#[test]
fn paid_while_the_code_was_enlarged_the_keys_work() {
    let mut a = at(Lang::ZhCn, |d| {
        done(OrderStatus::PendingPayment, |d| {
            d.payment = Some(PaymentInfo {
                url: "http://127.0.0.1:41265/m/pay/AbCdEfGhIjKlMnOpQrStUv".into(),
                amount_fen: 30_000,
                expires_at: stamp(time::OffsetDateTime::now_utc() + time::Duration::minutes(15)),
                demo: true,
            });
        })(d)
    });
    key(&mut a, KeyCode::Char('z'));
    assert!(a.tab_mut::<NewApp>().is_some_and(|n| n.enlarged_now()));
    a.on_msg(ca_counter::tui::net::Msg::Event(
        ca_counter::api::OrderEvent {
            id: COUNTS_AS_OF + 1,
            order_no: no("HN20261128000006"),
            kind: "transition".into(),
            action: Some("pay".into()),
            status: OrderStatus::PendingReview,
            from: Some(OrderStatus::PendingPayment),
            version: 3,
            at: "2026-11-28T08:00:00Z".into(),
            order: None,
        },
    ));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("n 下一位"), "{screen}");
    key(&mut a, KeyCode::Char('n'));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("输入客户的手机号"), "{screen}");
}

/// "Already has an order for the same product" said, then `t` switches the certificate to
/// an organisation's: the warning goes (it stayed, naming a product no longer chosen) and
/// the customer's orders are asked about again for the new one.
#[test]
fn the_same_product_warning_follows_the_product_switched_to() {
    let mut a = at(Lang::ZhCn, |d| {
        d.step = Step::Terms;
        d.customer = Some(customer(true));
        d.phone = "13912345678".into();
        d.choice = Some(Choice {
            project_id: "p1".into(),
            project_name: "湘潭市公共资源交易系统".into(),
            product_id: "k1".into(),
            product_name: "个人证书（1年）".into(),
            user_type: Some(UserType::Individual),
            validity_years: 1,
            price_fen: 20_000,
        });
    });
    a.answer::<NewApp>(newapp::Answer::OpenOrders {
        draft: draft_id(DRAFT),
        result: Ok(vec![ca_counter::api::OrderSummary {
            project_name: "湘潭市公共资源交易系统".into(),
            product_name: "个人证书（1年）".into(),
            ..summary(3, "欧阳娜娜", OrderStatus::PendingReview, 5)
        }]),
    });
    assert!(render(&a, 80, 24).contains("同一产品尚未办完"));
    if let Some(newapp) = a.tab_mut::<NewApp>() {
        newapp.projects = projects();
    }
    a.take_jobs();
    key(&mut a, KeyCode::Char('t'));
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("机构证书") && !screen.contains("同一产品尚未办完"),
        "{screen}"
    );
    let asked = sent::<newapp::Request>(&a.take_jobs());
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, newapp::Request::OpenOrders { .. })),
        "{asked:?}"
    );
}

/// A postal code takes digits only, said at once (an e-mail typed on after Tab from the
/// last field went into it: "410012abc@example.com").
#[test]
fn a_postal_code_takes_only_digits() {
    let mut a = at(
        Lang::ZhCn,
        form(UserType::Individual, "mailing.postal_code"),
    );
    typed(&mut a, "4100a");
    let screen = render(&a, 80, 24);
    assert!(screen.contains("邮政编码只能输入数字"), "{screen}");
    let draft = a
        .tab_mut::<NewApp>()
        .and_then(|n| n.sheet().map(|s| s.text("mailing.postal_code")))
        .expect("the draft");
    assert_eq!(draft, "4100");
}

/// Ctrl-O to a draft at the terms: its projects are asked for (`t` switches among the
/// chosen project's products), and `t` before they are in says so (it did nothing).
#[test]
fn another_draft_at_the_terms_can_switch_its_certificate() {
    let mut a = at(Lang::ZhCn, |d| {
        d.step = Step::Terms;
        d.customer = Some(customer(true));
        d.choice = Some(choice(UserType::Individual));
    });
    with_second_draft(&mut a, |d| {
        d.step = Step::Terms;
        d.choice = Some(choice(UserType::Individual));
    });
    ctrl(&mut a, 'o');
    let asked = sent::<newapp::Request>(&a.take_jobs());
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, newapp::Request::Projects { .. })),
        "{asked:?}"
    );
    key(&mut a, KeyCode::Char('t'));
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains(ca_counter::i18n::T::StillWaiting.get(Lang::ZhCn)),
        "{screen}"
    );
    // And asked for again (a draft shown at the form, then Esc to the terms, had none
    // asked: `t` said "still waiting" for ever).
    let asked = sent::<newapp::Request>(&a.take_jobs());
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, newapp::Request::Projects { .. })),
        "{asked:?}"
    );
}

/// Seven drafts do not fit the draft bar: it says which one this is, of how many, with
/// its reference (cut from the end, the current draft's mark and reference went off it).
#[test]
fn many_drafts_say_which_one_is_shown() {
    let mut a = at(Lang::ZhCn, |d| d.customer = Some(customer(true)));
    if let Some(newapp) = a.tab_mut::<NewApp>() {
        for (i, name) in [
            "司马相如",
            "诸葛孔明",
            "上官婉儿",
            "Alexander Hamilton",
            "欧阳修",
            "慕容复",
        ]
        .iter()
        .enumerate()
        {
            let mut d = Draft {
                id: draft_id(&format!("01a22342-0000-7000-8000-00000000001{i}")),
                reference: format!("SQ7F3K9QA{i}"),
                ..Draft::default()
            };
            d.customer = Some(CustomerInfo {
                name: (*name).into(),
                phone: format!("1390000000{i}"),
                ..customer(true)
            });
            newapp.sheets.push(newapp::sheet::Sheet::new(d));
        }
        newapp.current = 6;
    }
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("7/7") && screen.contains("慕容复") && screen.contains("SQ7F3K9QA5"),
        "{screen}"
    );
}
