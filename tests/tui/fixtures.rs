//! What the screen tests draw: an app as an operator sees it after the first answers, the
//! orders, queues and drafts it shows, and helpers to press keys and render at a size.

use ca_counter::api::{
    Actor, Applicant, Attachment, AttachmentKind, BankAccount, Carrier, Claim, ClientError,
    HistoryEntry, InvoiceRequestView, InvoicingItem, InvoicingQueue, MailingAddress, MailingItem,
    MailingQueue, Me, Order, OrderPage, OrderSummary, Problem, RealnameCheck, ReviewItem,
    StatusCount,
};
use ca_counter::domain::{
    Deadline, DraftId, InvoiceRequestInput, OrderNo, OrderStatus, Role, TrackingFormat, UserType,
    validate_invoice_request,
};
use ca_counter::i18n::Lang;
use ca_counter::tui::app::{self, App, FrameAnswer};
use ca_counter::tui::net::Msg;
use ca_counter::tui::net::{Job, requests};
use ca_counter::tui::tabs::invoicing::{self, Invoicing};
use ca_counter::tui::tabs::mailing::{self, Mailing};
use ca_counter::tui::tabs::newapp::NewApp;
use ca_counter::tui::tabs::newapp::draft::{Choice, Draft, Step};
use ca_counter::tui::tabs::orders::{self, Orders};
use ca_counter::tui::tabs::review::{self, Review};
use ca_counter::tui::tabs::{self, Init};
use ca_counter::tui::theme;
use ca_counter::tui::widgets::picture::ColorMode;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;
use time::macros::datetime;

/// The clock of every screen test.
pub const NOW: OffsetDateTime = datetime!(2026-11-28 08:00 UTC);

/// The draft the tests pay for.
pub const PAYING_DRAFT: &str = "01a22342-0000-7000-8000-000000000002";

/// An order number.
pub fn no(text: &str) -> OrderNo {
    OrderNo::parse(text).expect("an order number")
}

pub fn draft_id(text: &str) -> DraftId {
    DraftId::parse(text).expect("a draft id")
}

pub fn stamp(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn summary(no: u32, name: &str, status: OrderStatus, minutes_ago: i64) -> OrderSummary {
    let at = NOW - time::Duration::minutes(minutes_ago);
    OrderSummary {
        order_no: self::no(&format!("HN20261128{no:06}")),
        status,
        version: 1,
        customer_name: name.into(),
        phone: "138****5678".into(),
        project_name: "湘潭市公共资源交易系统".into(),
        product_name: "个人证书（1年）".into(),
        amount_fen: 20_000,
        created_at: stamp(at),
        updated_at: stamp(at),
        channel: ca_counter::domain::Channel::Counter,
        payment_method: None,
    }
}

pub fn actor(name: &str) -> Actor {
    Actor {
        id: Some("o1".into()),
        name: name.into(),
    }
}

pub fn order() -> Order {
    Order {
        channel: ca_counter::domain::Channel::Counter,
        order_no: no("HN20261128000003"),
        status: OrderStatus::PendingReview,
        version: 3,
        user_type: UserType::Individual,
        customer_id: "c1".into(),
        project_id: "p1".into(),
        project_name: "湘潭市公共资源交易系统".into(),
        product_id: "pr1".into(),
        product_name: "个人证书（1年）".into(),
        validity_years: 1,
        amount_fen: 20_000,
        applicant: Applicant {
            name: "王五".into(),
            id_number: "1101**********002X".into(),
            phone: "138****5678".into(),
            email: None,
        },
        organization: None,
        mailing: MailingAddress {
            recipient: "王五".into(),
            phone: "138****5678".into(),
            province: "湖南省".into(),
            city: "长沙市".into(),
            district: "岳麓区".into(),
            street: "****".into(),
            postal_code: "410083".into(),
        },
        revealed: false,
        note: Some("下午来取回执".into()),
        application_ref: Some("SQ7F3K9QAB".into()),
        terms_version: Some("2026-1".into()),
        payment_method: Some("sandbox".into()),
        paid_at: Some("2026-11-28T07:40:00Z".into()),
        rejection_reasons: vec![],
        voucher_total_fen: None,
        shipment: None,
        invoice_no: None,
        invoice: None,
        reversed_invoices: Vec::new(),
        mailed_by: None,
        invoice_request: None,
        submitted_by: actor("李柜员"),
        created_at: "2026-11-28T07:30:00Z".into(),
        updated_at: "2026-11-28T07:40:00Z".into(),
        claim: None,
        resubmissions: 0,
        trade_no: None,
        realname: None,
        allowed_actions: vec![
            ca_counter::domain::Action::Approve,
            ca_counter::domain::Action::Reject,
        ],
        editable: vec![],
        attachments: vec![Attachment {
            id: "a1".into(),
            order_no: "HN20261128000003".into(),
            kind: AttachmentKind::SignedForm,
            content_type: "image/png".into(),
            size: 183_000,
            sha256: "00".into(),
            filename: "签字申请表.png".into(),
            uploaded_by: actor("李柜员"),
            uploaded_at: "2026-11-28T07:35:00Z".into(),
            also_on: Vec::new(),
            // Its printed QR code read back on upload: this order, page 1 of 1.
            scan_check: Some(ca_counter::api::ScanCheck {
                outcome: ca_counter::api::ScanOutcome::Matches,
                found: Some("HN20261128000003".into()),
                pages_read: vec![1],
                pages: Some(1),
                document: Some("form".into()),
                edition: None,
            }),
        }],
    }
}

pub fn history() -> Vec<HistoryEntry> {
    let entry =
        |id, at: &str, who: &str, action: &str, from, to, reason: Option<&str>| HistoryEntry {
            id,
            at: at.into(),
            actor: Actor {
                id: (who != "sandbox").then(|| "o1".into()),
                name: who.into(),
            },
            action: action.into(),
            from_status: from,
            to_status: to,
            reason: reason.map(Into::into),
            request_id: None,
        };
    vec![
        entry(
            1,
            "2026-11-28T07:30:00Z",
            "李柜员",
            "submit",
            None,
            Some(OrderStatus::PendingPayment),
            None,
        ),
        entry(
            2,
            "2026-11-28T07:35:00Z",
            "李柜员",
            "attach",
            None,
            None,
            Some("signed_form 签字申请表.png"),
        ),
        entry(
            3,
            "2026-11-28T07:36:00Z",
            "李柜员",
            "payment_created",
            None,
            None,
            Some("sandbox HN20261128000003-1a2b3c4d ¥200.00"),
        ),
        entry(
            4,
            "2026-11-28T07:40:00Z",
            "sandbox",
            "pay",
            Some(OrderStatus::PendingPayment),
            Some(OrderStatus::PendingReview),
            Some("sandbox HN20261128000003-1a2b3c4d"),
        ),
    ]
}

/// A problem document from the platform.
pub fn problem(code: &str, status: u16, detail: &str) -> ClientError {
    ClientError::Problem(Box::new(Problem {
        type_uri: "about:blank".into(),
        title: "problem".into(),
        status,
        detail: detail.into(),
        code: code.into(),
        errors: Vec::new(),
        request_id: None,
        current_status: None,
        current_version: None,
        page_count: None,
    }))
}

/// A conflict naming where the order stands now.
pub fn conflict(code: &str, status: OrderStatus, version: i64) -> ClientError {
    let mut error = problem(code, 409, "订单已变化");
    if let ClientError::Problem(p) = &mut error {
        p.current_status = Some(status);
        p.current_version = Some(version);
    }
    error
}

pub fn me(name: &str, roles: &[Role]) -> Me {
    Me {
        id: "o1".into(),
        name: name.into(),
        roles: roles.to_vec(),
        may_reveal: true,
        may_reveal_id_number: true,
    }
}

/// An app with no answers yet.
pub fn bare(lang: Lang) -> App {
    let theme = theme::load("default", None, false).expect("theme");
    let mut app = App::new(
        lang,
        theme,
        "https://ca-platform.internal".into(),
        NOW,
        tabs::all(&Init::default()),
    );
    app.colors = ColorMode::TrueColor;
    app.start();
    app.take_jobs();
    app
}

/// The newest event the fixture's counts include (events numbered above it move them).
pub const COUNTS_AS_OF: i64 = 10;

/// The platform's per-status counts: these statuses with these counts, every other 0,
/// including the events up to `as_of`.
pub fn counts_as_of(counts: &[(OrderStatus, i64)], as_of: i64) -> ca_counter::api::Counts {
    ca_counter::api::Counts {
        counts: OrderStatus::ALL
            .iter()
            .map(|s| StatusCount {
                status: *s,
                count: counts.iter().find(|(c, _)| c == s).map_or(0, |(_, n)| *n),
            })
            .collect(),
        as_of: Some(as_of),
    }
}

/// An app as a clerk-and-reviewer sees it after the first answers, on 待办订单.
pub fn app(lang: Lang) -> App {
    let mut app = bare(lang);
    app.frame_answer(FrameAnswer::Me(Ok(me(
        "赵审核",
        &[Role::Clerk, Role::Reviewer],
    ))));
    app.on_msg(Msg::Online);
    app.frame_answer(FrameAnswer::Counts(Ok(counts_as_of(
        &[
            (OrderStatus::PendingPayment, 2),
            (OrderStatus::PendingReview, 4),
            (OrderStatus::PendingShipment, 1),
        ],
        COUNTS_AS_OF,
    ))));
    app.frame_answer(FrameAnswer::Carriers(Ok(carriers())));
    let seq = app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0);
    app.answer::<Orders>(orders::Answer::Page {
        seq,
        append: false,
        result: Ok(OrderPage {
            items: vec![
                // Submitted by the customer on their own platform: marked in the list.
                ca_counter::api::OrderSummary {
                    channel: ca_counter::domain::Channel::Online,
                    ..summary(5, "张三", OrderStatus::PendingPayment, 0)
                },
                summary(4, "湖南某某建设有限公司", OrderStatus::PendingVoucher, 12),
                summary(3, "王五", OrderStatus::PendingReview, 20),
                summary(2, "欧阳娜娜", OrderStatus::Rejected, 180),
                summary(1, "李四", OrderStatus::Completed, 60 * 24 * 3),
            ],
            next_cursor: None,
            search_indexing: None,
        }),
    });
    app.last_event = Some(datetime!(2026-11-28 07:59:30 UTC));
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        *newapp = NewApp::with_drafts(vec![Draft {
            id: draft_id("01a22342-0000-7000-8000-000000000001"),
            reference: "SQ7F3K9QAB".into(),
            ..Draft::default()
        }]);
    }
    app.show_tab::<Orders>();
    app.take_jobs();
    app
}

/// The operator is someone else now.
pub fn operator(app: &mut App, name: &str, role: Role) {
    app.frame_answer(FrameAnswer::Me(Ok(me(name, &[role]))));
}

/// Draws the app into a `width`×`height` test terminal.
pub fn terminal(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| app::draw(frame, app)).expect("draw");
    terminal
}

/// The screen as text.
pub fn render(app: &App, width: u16, height: u16) -> String {
    format!("{}", terminal(app, width, height).backend())
}

pub fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn ctrl(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

pub fn lang_name(lang: Lang) -> &'static str {
    if lang == Lang::ZhCn { "zh" } else { "en" }
}

/// The requests of type `R` among `jobs`, cloned.
pub fn sent<R: Clone + 'static>(jobs: &[Job]) -> Vec<R> {
    requests::<R>(jobs).into_iter().cloned().collect()
}

/// The 新申请 tab after submission with the order in `status`.
pub fn submitted(lang: Lang, status: OrderStatus) -> App {
    let mut app = app(lang);
    if let Some(newapp) = app.tab_mut::<NewApp>() {
        *newapp = NewApp::with_drafts(vec![Draft {
            id: draft_id(PAYING_DRAFT),
            reference: "SQ7F3K9QAB".into(),
            step: Step::Done,
            order_no: Some("HN20261128000006".into()),
            order_version: 1,
            order_status: Some(status),
            choice: Some(Choice {
                project_id: "p1".into(),
                project_name: "湘潭市公共资源交易系统".into(),
                product_id: "k1".into(),
                product_name: "个人证书（一年）".into(),
                user_type: Some(UserType::Individual),
                validity_years: 1,
                price_fen: 30_000,
            }),
            ..Draft::default()
        }]);
        newapp.bank = Some(BankAccount {
            account_name: "湖南省数字证书认证中心".into(),
            bank: "中国银行长沙芙蓉支行".into(),
            account_no: "6222021000001234567".into(),
        });
    }
    app.show_tab::<NewApp>();
    app.take_jobs();
    app
}

pub fn review_item(no: u32, name: &str, waited_hours: i64, deadline: Deadline) -> ReviewItem {
    ReviewItem {
        order: summary(no, name, OrderStatus::PendingReview, waited_hours * 60),
        paid_at: Some("2026-11-26T07:00:00Z".into()),
        waited_minutes: waited_hours * 60,
        promised_minutes: 1020,
        due_at: "2026-11-30T07:00:00Z".into(),
        deadline,
        resubmissions: 0,
        claim: None,
        own: false,
        scan_check: None,
        gaps: vec![],
        file_elsewhere: false,
    }
}

/// The 审核队列 tab with three orders waiting: one overdue, one due soon and corrected,
/// one being reviewed by someone else.
pub fn review_app(lang: Lang) -> App {
    let mut app = app(lang);
    let mut soon = review_item(7, "欧阳娜娜", 14, Deadline::Soon);
    soon.resubmissions = 1;
    let mut taken = review_item(8, "王五", 2, Deadline::Ok);
    taken.claim = Some(Claim {
        by: Actor {
            id: Some("o7".into()),
            name: "钱审核".into(),
        },
        expires_at: "2026-11-28T08:10:00Z".into(),
    });
    // The platform holds as many as it lists (more would add "共 N 单" above the queue).
    app.frame_answer(FrameAnswer::Counts(Ok(counts_as_of(
        &[(OrderStatus::PendingReview, 3)],
        COUNTS_AS_OF,
    ))));
    app.show_tab::<Review>();
    let seq = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    app.answer::<Review>(review::Answer::Queue {
        seq,
        result: Ok(ca_counter::api::ReviewQueue {
            items: vec![review_item(3, "张三", 20, Deadline::Overdue), soon, taken],
            promise_working_days: 2,
        }),
    });
    app.take_jobs();
    app
}

/// A scan: left half red, right half blue, a black bar across the middle.
pub fn scan(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        if (height * 9 / 20..height * 11 / 20).contains(&y) {
            image::Rgb([0, 0, 0])
        } else if x < width / 2 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    })
}

/// The review screen on order 3, claimed, its scan received.
pub fn review_screen(lang: Lang) -> App {
    review_screen_with(lang, vec![])
}

/// The review screen, the verified ID number having been used under `other_names` too.
pub fn review_screen_with(lang: Lang, other_names: Vec<String>) -> App {
    let mut order = order();
    order.realname = Some(RealnameCheck {
        name: "王五".into(),
        id_number: "1101**********002X".into(),
        verified_at: "2026-11-28T07:20:00Z".into(),
        matches_applicant: true,
        provider: Some("alipay".into()),
        transaction_id: Some("2109b5e671aa3ff2eb4851816c65828f".into()),
        other_names,
    });
    review_screen_of(lang, order)
}

/// The review screen on `order`, claimed, its scan received.
pub fn review_screen_of(lang: Lang, order: Order) -> App {
    let mut app = review_app(lang);
    key(&mut app, KeyCode::Enter);
    let claim = Claim {
        by: actor("赵审核"),
        expires_at: "2026-11-28T08:15:00Z".into(),
    };
    app.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: Some(Ok(claim)),
        order: Ok((order, history())),
    });
    app.answer::<Review>(review::Answer::Preview {
        id: "a1".into(),
        page: 0,
        width: 400,
        height: 400,
        result: Ok((scan(400, 200), 1)),
    });
    app.take_jobs();
    app
}

pub fn mailing_item(
    no: u32,
    name: &str,
    street: &str,
    waited_hours: i64,
    deadline: Deadline,
) -> MailingItem {
    MailingItem {
        order: summary(no, name, OrderStatus::PendingShipment, waited_hours * 60),
        recipient: name.into(),
        phone: "13812345678".into(),
        address: format!("湖南省长沙市岳麓区 {street}"),
        postal_code: "410083".into(),
        product_name: "个人证书（1年）".into(),
        paid_at: Some("2026-11-26T07:00:00Z".into()),
        waited_minutes: waited_hours * 60,
        promised_minutes: 1020,
        deadline,
        masked: false,
        relabel: false,
        note: None,
        returned: None,
    }
}

pub fn carriers() -> Vec<Carrier> {
    let carrier = |code: &str, name: &str, name_en: &str, format| Carrier {
        code: code.into(),
        name: name.into(),
        name_en: name_en.into(),
        format,
    };
    vec![
        carrier("ems", "EMS", "EMS", TrackingFormat::Ems),
        carrier("shunfeng", "顺丰", "SF Express", TrackingFormat::SfExpress),
    ]
}

/// The 邮寄 tab as the mailroom sees it: three orders, the first overdue.
pub fn mail_app(lang: Lang) -> App {
    let mut app = app(lang);
    operator(&mut app, "吴邮寄", Role::Mailroom);
    app.show_tab::<Mailing>();
    let jobs = app.take_jobs();
    let asked = sent::<mailing::Request>(&jobs);
    let seq = match asked.first() {
        Some(mailing::Request::Queue { seq }) => *seq,
        other => panic!("the queue is asked for, got {other:?}"),
    };
    app.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![
                mailing_item(1, "张三", "麓山南路 932 号", 20, Deadline::Overdue),
                mailing_item(2, "李四", "桐梓坡路 8 号", 10, Deadline::Soon),
                mailing_item(3, "王五", "五一大道 99 号", 2, Deadline::Ok),
            ],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    app
}

pub fn invoicing_item(no: u32, name: &str, asked: bool) -> InvoicingItem {
    let suggested = InvoiceRequestInput {
        buyer_kind: Some("individual".into()),
        invoice_kind: Some("normal".into()),
        buyer_name: name.into(),
        email: "zhangsan@example.com".into(),
        ..Default::default()
    };
    let request = asked.then(|| {
        let (request, _) = validate_invoice_request(&InvoiceRequestInput {
            buyer_name: format!("{name}（个人）"),
            email: "me@example.com".into(),
            ..suggested.clone()
        })
        .expect("valid");
        InvoiceRequestView {
            request,
            via: "phone".into(),
            requested_at: "2026-11-28T07:00:00Z".into(),
        }
    });
    InvoicingItem {
        order: summary(no, name, OrderStatus::PendingInvoice, 60),
        user_type: UserType::Individual,
        shipped_at: Some("2026-11-27T07:00:00Z".into()),
        requested_via: request.as_ref().map(|r| r.via.clone()),
        request,
        reversed: None,
        suggested,
    }
}

pub fn invoice_app(lang: Lang) -> App {
    invoice_app_with(
        lang,
        vec![
            invoicing_item(6, "张三", true),
            invoicing_item(7, "李四", false),
        ],
    )
}

/// 开票 for a finance clerk, its queue answered with `items`.
pub fn invoice_app_with(lang: Lang, items: Vec<InvoicingItem>) -> App {
    let mut app = app(lang);
    operator(&mut app, "郑财务", Role::Finance);
    app.show_tab::<Invoicing>();
    let jobs = app.take_jobs();
    let seq = match sent::<invoicing::Request>(&jobs).first() {
        Some(invoicing::Request::Queue { seq }) => *seq,
        other => panic!("the queue is asked for, got {other:?}"),
    };
    app.answer::<Invoicing>(invoicing::Answer::Queue {
        seq,
        result: Ok(InvoicingQueue { items }),
    });
    app
}

/// A request that failed on the way (a reqwest error, as a refused connection is).
pub fn network_error() -> ca_counter::api::ClientError {
    ca_counter::api::install_tls_provider();
    let error = reqwest::Client::new()
        .get("not an address")
        .build()
        .map(|_| ())
        .expect_err("an invalid address is a reqwest error");
    ca_counter::api::ClientError::Network(error)
}

/// The CA's own tax number in the fixtures' platform health.
pub const SELLER: &str = "91430100MA4L00000F";

/// The platform tells `app` it runs these built-in stand-ins (its health, as at start).
pub fn platform_demo(app: &mut App, parts: Vec<ca_counter::api::DemoPart>) {
    app.frame_answer(FrameAnswer::Health(Ok(ca_counter::api::Health {
        status: "ok".into(),
        version: "t".into(),
        database: "sqlite".into(),
        max_upload_bytes: 10 << 20,
        public_base_url: String::new(),
        qr_payment: true,
        demo_parts: parts,
        seller_tax_number: SELLER.into(),
    })));
}
