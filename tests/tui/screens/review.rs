//! 审核队列 on screen: the queue against the promise, the order beside its scan, the claim
//! renewed only while the reviewer works, the checklist of reasons.

use ca_counter::api::ClientError;
use ca_counter::domain::{OrderStatus, Role};
use ca_counter::i18n::Lang;
use ca_counter::tui::tabs::orders::Orders;
use ca_counter::tui::tabs::review::{self, Popup, Review};
use crossterm::event::KeyCode;
use ratatui::style::Color;

use crate::fixtures::*;

#[test]
fn the_review_queue_marks_the_promise_corrections_and_claims() {
    for lang in Lang::ALL {
        let app = review_app(lang);
        insta::assert_snapshot!(
            format!("review_queue_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
    }
    let app = review_app(Lang::ZhCn);
    let screen = render(&app, 80, 24);
    for expected in ["已超时", "将超时", "补正件", "钱审核", "20.0/17.0"] {
        assert!(screen.contains(expected), "{expected} missing:\n{screen}");
    }
    insta::assert_snapshot!("review_queue_120x40_zh", render(&app, 120, 40));
}

#[test]
fn the_review_screen_shows_the_order_beside_its_scan() {
    for lang in Lang::ALL {
        let app = review_screen(lang);
        insta::assert_snapshot!(
            format!("review_screen_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
    }
    let app = review_screen(Lang::ZhCn);
    let screen = render(&app, 120, 40);
    // The reviewer sees that the scan is this order's own form.
    assert!(
        screen.contains("二维码相符：订单 HN20261128000003 的申请表共 1 页，页页齐全 ✓"),
        "{screen}"
    );
    insta::assert_snapshot!("review_screen_120x40_zh", screen);
    let mut app = review_screen(Lang::ZhCn);
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('9'));
    key(&mut app, KeyCode::Enter);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("请写明“其他”原因"), "{screen}");
    insta::assert_snapshot!("review_return_popup_zh", screen);
}

/// Ticking "the voucher's amount is wrong" on an order paid by transfer opens a row under
/// it for what the vouchers showed in all: whole at 80×24 in both languages, inside the
/// popup's borders, and sent with the return in fen.
#[test]
fn the_vouchers_total_is_typed_under_its_reason_and_sent() {
    for (lang, label) in [
        (Lang::ZhCn, "凭证所示共转（元，选填）：150"),
        (Lang::En, "the vouchers' total (yuan, optional): 150"),
    ] {
        let mut order = order();
        order.payment_method = Some("bank_transfer".into());
        let mut app = review_screen_of(lang, order);
        key(&mut app, KeyCode::Char('r'));
        key(&mut app, KeyCode::Char('5'));
        key(&mut app, KeyCode::Down);
        typed(&mut app, "150");
        let screen = render(&app, 80, 24);
        let row = screen
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("{label}:\n{screen}"));
        // Inside the popup: its border on either side.
        assert_eq!(row.matches('│').count(), 2, "{row}\n{screen}");
        insta::assert_snapshot!(format!("review_return_total_{}", lang_name(lang)), screen);
        key(&mut app, KeyCode::Enter);
        let jobs = app.take_jobs();
        let decided = sent::<review::Request>(&jobs)
            .into_iter()
            .find_map(|r| match r {
                review::Request::Decide { body, .. } => {
                    Some((body.reasons, body.voucher_total_fen))
                }
                _ => None,
            });
        let (reasons, total) = decided.expect("a return sent");
        assert!(
            reasons.contains(&"转账凭证金额不符".to_owned()),
            "{reasons:?}"
        );
        assert_eq!(total, Some(15_000));
    }
}

#[test]
fn one_id_number_under_another_name_is_flagged_to_the_reviewer() {
    for (lang, words) in [(Lang::ZhCn, "其他姓名"), (Lang::En, "another name")] {
        let app = crate::fixtures::review_screen_with(lang, vec!["王六".into()]);
        let screen = render(&app, 120, 40);
        assert!(
            screen.contains(words) && screen.contains("王六"),
            "{screen}"
        );
    }
}

#[test]
fn text_typed_after_ticking_other_is_sent_as_its_reason() {
    let mut app = review_screen(Lang::ZhCn);
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('9'));
    typed(&mut app, "印章模糊");
    key(&mut app, KeyCode::Enter);
    let jobs = app.take_jobs();
    let decided = sent::<review::Request>(&jobs)
        .into_iter()
        .find_map(|r| match r {
            review::Request::Decide { body, .. } => Some(body.reasons),
            _ => None,
        });
    assert_eq!(decided, Some(vec!["印章模糊".to_owned()]));
}

/// An "other" reason longer than its row is shown whole under the list, to be read over
/// before it goes to the customer; a short one is not repeated.
#[test]
fn a_long_other_reason_is_shown_whole_before_it_is_sent() {
    let mut app = review_screen(Lang::ZhCn);
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('9'));
    typed(&mut app, "印章模糊");
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("其他原因全文"), "{screen}");
    let long =
        "营业执照复印件上的公章与申请表上的公章不是同一枚，请核对后重新盖章并上传清晰的扫描件";
    typed(&mut app, &format!("；{long}"));
    let screen = render(&app, 80, 24);
    let whole: String = screen
        .lines()
        .skip_while(|l| !l.contains("其他原因全文"))
        .map(|l| l.trim_matches(|c| c == ' ' || c == '│'))
        .collect();
    assert!(
        whole.contains("印章模糊；营业执照复印件上的公章") && whole.contains("清晰的扫描件"),
        "{screen}"
    );
}

/// A decision on its way says so at once, in place of what the line said before (the last
/// order's "approved" had stayed up through a slow link, read as this one's).
#[test]
fn a_return_on_its_way_says_so_until_answered() {
    let mut app = review_screen(Lang::ZhCn);
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('9'));
    typed(&mut app, "印章模糊");
    key(&mut app, KeyCode::Enter);
    assert!(!app.take_jobs().is_empty(), "sent");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("正在处理"), "{screen}");
}

/// The scan's colours land in the right cells: red on the left, blue on the right, the
/// black bar in the middle rows; every picture cell a half block.
#[test]
fn the_half_block_renderer_puts_each_colour_in_its_cell() {
    let app = review_screen(Lang::ZhCn);
    let terminal = terminal(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    let cells: Vec<(u16, u16, Color, Color)> = (0..24u16)
        .flat_map(|y| (0..80u16).map(move |x| (x, y)))
        .filter_map(|(x, y)| {
            let cell = &buffer[(x, y)];
            (cell.symbol() == "▀").then_some((x, y, cell.fg, cell.bg))
        })
        .collect();
    assert!(
        cells.len() > 200,
        "a picture was drawn: {} cells",
        cells.len()
    );
    let (min_x, max_x) = (
        cells.iter().map(|c| c.0).min().unwrap_or(0),
        cells.iter().map(|c| c.0).max().unwrap_or(0),
    );
    let (min_y, max_y) = (
        cells.iter().map(|c| c.1).min().unwrap_or(0),
        cells.iter().map(|c| c.1).max().unwrap_or(0),
    );
    // A 2:1 scan fits its width; it takes half as many pixel rows, a quarter as many cells.
    let (width, height) = (max_x - min_x + 1, max_y - min_y + 1);
    assert!(
        width >= 2 * height * 2 - 2 && width <= 2 * height * 2 + 2,
        "{width}×{height}"
    );
    let red = |c: Color| matches!(c, Color::Rgb(r, g, b) if r > 150 && g < 80 && b < 80);
    let blue = |c: Color| matches!(c, Color::Rgb(r, g, b) if b > 150 && r < 80 && g < 80);
    let black = |c: Color| matches!(c, Color::Rgb(r, g, b) if r < 40 && g < 40 && b < 40);
    let mid_y = min_y + height / 2;
    for &(x, y, fg, bg) in &cells {
        let left = x < min_x + width / 2 - 1;
        let right = x > min_x + width / 2;
        let away = y + 2 < mid_y || y > mid_y + 1;
        if left && away {
            assert!(red(fg) && red(bg), "({x},{y}) {fg:?}/{bg:?} should be red");
        }
        if right && away {
            assert!(
                blue(fg) && blue(bg),
                "({x},{y}) {fg:?}/{bg:?} should be blue"
            );
        }
    }
    assert!(
        cells
            .iter()
            .any(|&(_, y, fg, bg)| (y == mid_y || y + 1 == mid_y) && (black(fg) || black(bg))),
        "the black bar is in the middle rows"
    );
}

#[test]
fn without_colour_the_scan_is_drawn_in_shades() {
    let mut app = review_screen(Lang::ZhCn);
    app.no_color = true;
    let screen = render(&app, 80, 24);
    assert!(
        !screen.contains('▀'),
        "no colour means no half blocks:\n{screen}"
    );
    assert!(
        screen.contains('█'),
        "the black bar shows as full blocks:\n{screen}"
    );
}

/// After a decision the next order nobody holds opens, claimed: the message says so and
/// how to give it back, so no reviewer walks away holding it unawares.
#[test]
fn the_next_order_opened_after_a_decision_is_said_to_be_held() {
    let mut app = review_screen(Lang::ZhCn);
    let mut approved = app
        .tab::<Review>()
        .and_then(|r| r.screen.as_ref())
        .and_then(|s| s.order.clone())
        .expect("order");
    approved.status = OrderStatus::PendingShipment;
    app.answer::<Review>(review::Answer::Decided {
        order_no: "HN20261128000003".into(),
        action: ca_counter::domain::Action::Approve,
        result: Ok(approved),
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("已审核通过。已打开下一单 HN20261128000007") && screen.contains("Esc 交还"),
        "{screen}"
    );
}

/// The order opened by itself after a decision is given back when no key is pressed on it
/// for three minutes (the reviewer walked away after their last decision), and said; one
/// the reviewer works on is kept.
#[test]
fn the_next_order_untouched_for_three_minutes_is_given_back() {
    for touched in [false, true] {
        let mut app = review_screen(Lang::ZhCn);
        let mut approved = app
            .tab::<Review>()
            .and_then(|r| r.screen.as_ref())
            .and_then(|s| s.order.clone())
            .expect("order");
        approved.status = OrderStatus::PendingShipment;
        app.answer::<Review>(review::Answer::Decided {
            order_no: "HN20261128000003".into(),
            action: ca_counter::domain::Action::Approve,
            result: Ok(approved),
        });
        let mut next = crate::fixtures::order();
        next.order_no = no("HN20261128000007");
        app.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000007".into(),
            claim: Some(Ok(ca_counter::api::Claim {
                by: actor("钱审核"),
                expires_at: "2026-11-28T08:15:00Z".into(),
            })),
            order: Ok((next, history())),
        });
        app.take_jobs();
        let at = |s: i64| NOW + time::Duration::seconds(s);
        app.on_tick(at(170));
        let early = sent::<review::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, review::Request::Release { .. }));
        assert!(!early, "not before three minutes");
        if touched {
            key(&mut app, KeyCode::Char('+'));
        }
        app.on_tick(at(181));
        let released = sent::<review::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, review::Request::Release { order_no } if order_no == "HN20261128000007"));
        let held = app
            .tab::<Review>()
            .and_then(Review::held_order)
            .map(str::to_owned);
        let screen = render(&app, 80, 24);
        if touched {
            assert!(!released, "worked on: kept");
            assert_eq!(held.as_deref(), Some("HN20261128000007"));
        } else {
            assert!(released && held.is_none(), "{screen}");
            assert!(screen.contains("3 分钟没有操作，已交还队列"), "{screen}");
        }
    }
}

/// Approving says again what any attachment warns of, also one the reviewer has not
/// turned to: here an older scan whose QR code was not read.
#[test]
fn the_approval_asks_with_every_attachments_warning() {
    let mut order = crate::fixtures::order();
    let mut older = order.attachments[0].clone();
    older.id = "a0".into();
    older.uploaded_at = "2026-11-28T07:30:00Z".into();
    if let Some(check) = &mut older.scan_check {
        check.outcome = ca_counter::api::ScanOutcome::NoCode;
    }
    order.attachments.push(older);
    let mut app = review_screen_of(Lang::ZhCn, order);
    let warning = "扫描件上未读到订单二维码";
    assert!(
        !render(&app, 80, 24).contains(warning),
        "not on the scan shown"
    );
    key(&mut app, KeyCode::Char('a'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains(warning), "{screen}");
    // Named by the attachment it is about, as the pane heads it.
    assert!(screen.contains("附件 2/2：签字申请表"), "{screen}");
}

/// A form printed before the organisation was corrected warns of nothing once a newer
/// scan of the corrected form matches: the warning made reviewers return a right order.
/// Without a newer one that matches, it still warns, naming its attachment.
#[test]
fn an_outdated_form_answered_by_a_newer_scan_warns_of_nothing() {
    let mut order = crate::fixtures::order();
    let mut older = order.attachments[0].clone();
    older.id = "a0".into();
    older.uploaded_at = "2026-11-28T07:30:00Z".into();
    if let Some(check) = &mut older.scan_check {
        check.outcome = ca_counter::api::ScanOutcome::Outdated;
    }
    order.attachments[0].kind = ca_counter::api::AttachmentKind::Correction;
    order.attachments.push(older.clone());
    let mut app = review_screen_of(Lang::ZhCn, order.clone());
    key(&mut app, KeyCode::Char('a'));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("修改前打印"), "{screen}");
    // The newer one not read: the older's warning stands, named.
    if let Some(check) = &mut order.attachments[0].scan_check {
        check.outcome = ca_counter::api::ScanOutcome::NoCode;
    }
    let mut app = review_screen_of(Lang::ZhCn, order);
    key(&mut app, KeyCode::Char('a'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("附件 2/2：签字申请表"), "{screen}");
    assert!(screen.contains("修改前打印"), "{screen}");
}

/// A portrait page zoomed in fills the pane's width, not the narrow box the whole page
/// fitted; at the closest zoom the footer stops offering to zoom in.
#[test]
fn a_zoomed_page_fills_the_pane() {
    let mut app = review_screen(Lang::ZhCn);
    app.answer::<Review>(review::Answer::Preview {
        id: "a1".into(),
        page: 0,
        width: 400,
        height: 800,
        result: Ok((scan(200, 400), 1)),
    });
    let widest = |app: &ca_counter::tui::app::App| {
        render(app, 80, 24)
            .lines()
            .map(|l| l.chars().filter(|c| *c == '▀').count())
            .max()
            .unwrap_or(0)
    };
    let whole = widest(&app);
    assert!(whole > 0, "{}", render(&app, 80, 24));
    key(&mut app, KeyCode::Char('+'));
    let zoomed = widest(&app);
    assert!(
        zoomed > whole * 3 / 2,
        "{whole} columns whole, {zoomed} zoomed"
    );
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('+'));
    }
    let screen = render(&app, 80, 24);
    let footer = screen.lines().last().unwrap_or_default();
    assert!(!footer.contains("+ "), "{footer}");
}

#[test]
fn read_only_shows_the_review_and_offers_no_decision() {
    let mut app = review_screen(Lang::ZhCn);
    app.shared.read_only = true;
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("申请信息") && screen.contains('▀'),
        "{screen}"
    );
    assert!(!screen.contains("a 审核通过"), "{screen}");
    key(&mut app, KeyCode::Char('a'));
    assert!(
        app.tab::<Review>()
            .and_then(|r| r.screen.as_ref())
            .is_some_and(|s| s.popup.is_none())
    );
}

/// The approval asks "Enter 确认": only Enter confirms. A stray `y` (the key that confirms
/// a reversal elsewhere) or `a` pressed twice released a certificate whose warnings the
/// reviewer meant to read again.
#[test]
fn only_enter_confirms_an_approval() {
    let decided = |app: &mut ca_counter::tui::app::App| {
        sent::<review::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, review::Request::Decide { .. }))
    };
    let mut app = review_screen(Lang::ZhCn);
    app.take_jobs();
    key(&mut app, KeyCode::Char('a'));
    for stray in ['y', 'Y', 'a', 'x'] {
        key(&mut app, KeyCode::Char(stray));
        assert!(!decided(&mut app), "{stray} sent the approval");
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Enter 确认"), "{stray}: {screen}");
    }
    key(&mut app, KeyCode::Enter);
    assert!(decided(&mut app), "Enter approves");
}

fn renewals(app: &mut ca_counter::tui::app::App) -> usize {
    sent::<review::Request>(&app.take_jobs())
        .iter()
        .filter(|r| matches!(r, review::Request::Renew { .. }))
        .count()
}

/// A claim is renewed while the reviewer works and left to lapse when they do not, so an
/// order open on an empty desk frees itself.
#[test]
fn a_claim_is_renewed_only_while_the_reviewer_works() {
    let mut app = review_screen(Lang::ZhCn);
    let at = |s: i64| NOW + time::Duration::seconds(s);
    app.on_tick(at(100));
    assert_eq!(renewals(&mut app), 0, "not yet");
    app.on_tick(at(301));
    assert_eq!(renewals(&mut app), 1, "renewed while freshly opened");
    app.on_tick(at(700));
    assert_eq!(renewals(&mut app), 0, "idle since: left to lapse");
    key(&mut app, KeyCode::Char('+'));
    app.on_tick(at(701));
    assert_eq!(renewals(&mut app), 1, "a key press renews");
    // Renewals go on while another tab is shown.
    key(&mut app, KeyCode::Char('-'));
    app.show_tab::<Orders>();
    app.on_tick(at(1010));
    assert_eq!(renewals(&mut app), 1);
    assert_eq!(
        app.tab::<Review>().and_then(Review::held_order),
        Some("HN20261128000003")
    );
    // Leaving gives it back.
    let last = app.leave();
    assert!(
        sent::<review::Request>(&last)
            .iter()
            .any(|r| matches!(r, review::Request::Release { .. }))
    );
}

#[test]
fn read_only_and_own_orders_are_opened_without_a_claim() {
    let mut app = review_app(Lang::ZhCn);
    app.shared.read_only = true;
    key(&mut app, KeyCode::Enter);
    let jobs = app.take_jobs();
    assert!(
        sent::<review::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, review::Request::Open { claim: false, .. })),
        "{jobs:?}"
    );
    assert!(app.tab::<Review>().and_then(Review::held_order).is_none());
    let mut app = review_app(Lang::ZhCn);
    operator(&mut app, "赵审核", Role::Reviewer);
    let seq = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    let mut own = review_item(3, "张三", 20, ca_counter::domain::Deadline::Overdue);
    own.own = true;
    app.answer::<Review>(review::Answer::Queue {
        seq,
        result: Ok(ca_counter::api::ReviewQueue {
            items: vec![own],
            promise_working_days: 2,
        }),
    });
    app.take_jobs();
    key(&mut app, KeyCode::Enter);
    assert!(
        sent::<review::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, review::Request::Open { claim: false, .. })),
        "one's own order is only looked at"
    );
    // And the reviewer is told why there is nothing to decide.
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("本人受理或送审过材料的订单，须由其他审核人审核"),
        "{screen}"
    );
    // The order loaded, the platform offering this reviewer no decision on it: `a` and
    // `r` say why on the message line rather than nothing.
    let mut order = crate::fixtures::order();
    order.allowed_actions.clear();
    app.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((order, history())),
    });
    for pressed in ['a', 'r'] {
        key(&mut app, KeyCode::Char(pressed));
        let screen = render(&app, 80, 24);
        assert_eq!(
            screen.matches("须由其他审核人审核").count(),
            2,
            "{pressed}: the header and the message line:\n{screen}"
        );
    }
    // An administrator's own order: nothing to take over either.
    let mut app = review_app(Lang::ZhCn);
    operator(&mut app, "钱管理", Role::Admin);
    let seq = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    let mut own = review_item(3, "张三", 20, ca_counter::domain::Deadline::Overdue);
    own.own = true;
    app.answer::<Review>(review::Answer::Queue {
        seq,
        result: Ok(ca_counter::api::ReviewQueue {
            items: vec![own],
            promise_working_days: 2,
        }),
    });
    key(&mut app, KeyCode::Enter);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("本人受理或送审过材料的订单"), "{screen}");
    assert!(!screen.contains("接手"), "{screen}");
}

/// The review screen with its attachment a PDF named `id` (nothing fetched for it yet).
fn review_pdf(lang: Lang, id: &str) -> ca_counter::tui::app::App {
    let mut app = review_screen(lang);
    let mut order = app
        .tab::<Review>()
        .and_then(|r| r.screen.as_ref())
        .and_then(|s| s.order.clone())
        .expect("order");
    order.attachments[0].id = id.into();
    order.attachments[0].content_type = "application/pdf".into();
    app.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((order, history())),
    });
    app
}

/// A PDF scan is asked for too: the platform's answer (its page count, save it) is shown
/// where the picture would be.
#[test]
fn a_pdf_attachment_says_its_pages() {
    let mut app = review_pdf(Lang::ZhCn, "pdf1");
    let _ = render(&app, 80, 24);
    let asked = sent::<review::Request>(&app.take_jobs())
        .into_iter()
        .any(|r| matches!(r, review::Request::Preview { id, .. } if id == "pdf1"));
    assert!(asked, "the PDF's preview is asked for");
    let problem = problem(
        "no_preview",
        409,
        "这个 PDF（2 页）的页面不是平台能读的图片（矢量文档、黑白传真编码或过大），无法在终端中显示：请保存后在本机打开",
    );
    app.answer::<Review>(review::Answer::Preview {
        id: "pdf1".into(),
        page: 0,
        width: 400,
        height: 400,
        result: Err(Some(problem)),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("这个 PDF（2"), "{screen}");
    assert!(screen.contains("在本机打开"), "{screen}");
    let _: Option<ClientError> = None;
    let _ = OrderStatus::PendingReview;
    let _: Option<Popup> = None;
}

/// A scanner's PDF of three pages (a form, an ID card, a licence): the heading says which
/// page is shown, `}` asks for the next and `{` for the one before, the footer offers the
/// next until the last; an answer for a page left behind is not shown on another.
#[test]
fn a_scanned_pdf_of_several_pages_is_read_page_by_page() {
    for lang in [Lang::ZhCn, Lang::En] {
        let mut app = review_pdf(lang, "pdf3");
        let _ = render(&app, 80, 24);
        let asked = |app: &mut ca_counter::tui::app::App| -> Vec<usize> {
            sent::<review::Request>(&app.take_jobs())
                .into_iter()
                .filter_map(|r| match r {
                    review::Request::Preview { id, page, .. } if id == "pdf3" => Some(page),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(asked(&mut app), [0], "its first page first");
        let page = |page: usize| review::Answer::Preview {
            id: "pdf3".into(),
            page,
            width: 400,
            height: 400,
            result: Ok((scan(400, 200), 3)),
        };
        app.answer::<Review>(page(0));
        let (first, next, prev) = match lang {
            Lang::ZhCn => ("第 1/3 页", "下一页", "上一页"),
            Lang::En => ("page 1/3", "next", "previous"),
        };
        let screen = render(&app, 80, 24);
        assert!(screen.contains(first), "{screen}");
        assert!(
            screen.contains(&format!("}} {next}")),
            "the keys are said:\n{screen}"
        );
        key(&mut app, KeyCode::Char('{'));
        assert!(asked(&mut app).is_empty(), "nothing before the first page");
        key(&mut app, KeyCode::Char('}'));
        let _ = render(&app, 80, 24);
        assert_eq!(asked(&mut app), [1]);
        // Turned again before the second page came: one preview at a time; the second
        // page's answer, late, is not taken for the third, which is asked for then.
        key(&mut app, KeyCode::Char('}'));
        let _ = render(&app, 80, 24);
        assert!(asked(&mut app).is_empty(), "one on its way at a time");
        app.answer::<Review>(page(1));
        let screen = render(&app, 80, 24);
        assert!(!screen.contains('▀'), "{screen}");
        assert_eq!(asked(&mut app), [2]);
        app.answer::<Review>(page(2));
        let screen = render(&app, 80, 24);
        assert!(screen.contains('▀'), "{screen}");
        assert!(screen.contains(&first.replace('1', "3")), "{screen}");
        assert!(
            screen.contains(&format!("{{ {prev}")) && !screen.contains(&format!("}} {next}")),
            "the last page offers no next one:\n{screen}"
        );
        if lang == Lang::ZhCn {
            // Where the footer has room, it offers the way back from the last page.
            let footer = screen.lines().last().unwrap_or_default().to_owned();
            assert!(footer.contains(&format!("{{ {prev}")), "{footer}");
            assert!(
                !footer.contains(next),
                "no next page after the last: {footer}"
            );
        }
        key(&mut app, KeyCode::Char('}'));
        assert!(asked(&mut app).is_empty(), "nothing after the last page");
        key(&mut app, KeyCode::Char('{'));
        let _ = render(&app, 80, 24);
        assert_eq!(asked(&mut app), [1], "back a page");
    }
}

/// Over a slow link keys arrive together: pages turned before the platform has said how
/// many there are are not lost, and are brought within the pages once it says.
#[test]
fn pages_turned_before_the_count_is_known_are_kept() {
    for (pages, turns, lands) in [(3, 2, 2), (2, 3, 1)] {
        let mut app = review_pdf(Lang::ZhCn, "ahead");
        let _ = render(&app, 80, 24);
        app.take_jobs();
        for _ in 0..turns {
            key(&mut app, KeyCode::Char('}'));
        }
        let _ = render(&app, 80, 24);
        assert!(
            sent::<review::Request>(&app.take_jobs()).is_empty(),
            "the first page's preview is still on its way"
        );
        app.answer::<Review>(review::Answer::Preview {
            id: "ahead".into(),
            page: 0,
            width: 400,
            height: 400,
            result: Ok((scan(400, 200), pages)),
        });
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains(&format!("第 {}/{pages} 页", lands + 1)),
            "{turns} turns of {pages} pages:\n{screen}"
        );
        let asked: Vec<usize> = sent::<review::Request>(&app.take_jobs())
            .into_iter()
            .filter_map(|r| match r {
                review::Request::Preview { page, .. } => Some(page),
                _ => None,
            })
            .collect();
        assert_eq!(asked, [lands]);
    }
}

/// A PDF whose first page is drawn but whose others are scans: the platform's refusal of
/// that page says how many there are, and the others can still be turned to.
#[test]
fn a_drawn_page_leaves_the_scanned_ones_in_reach() {
    let mut app = review_pdf(Lang::ZhCn, "mixed");
    let _ = render(&app, 80, 24);
    app.take_jobs();
    let mut refused = problem(
        "no_preview",
        409,
        "这个 PDF 的第 1 页（共 2 页）不是平台能读的图片（矢量文档、黑白传真编码或过大），无法在终端中显示：看其他页，或保存后在本机打开",
    );
    if let ClientError::Problem(p) = &mut refused {
        p.page_count = Some(2);
    }
    app.answer::<Review>(review::Answer::Preview {
        id: "mixed".into(),
        page: 0,
        width: 400,
        height: 400,
        result: Err(Some(refused)),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("第 1/2 页（} 下一页）"), "{screen}");
    assert!(screen.contains("看其他页"), "{screen}");
    key(&mut app, KeyCode::Char('}'));
    let _ = render(&app, 80, 24);
    let pages: Vec<usize> = sent::<review::Request>(&app.take_jobs())
        .into_iter()
        .filter_map(|r| match r {
            review::Request::Preview { page, .. } => Some(page),
            _ => None,
        })
        .collect();
    assert_eq!(pages, [1], "its second page asked for");
}

/// The platform too busy to take the picture out (503): the pane says it will look again,
/// and a few seconds later it asks again by itself; the picture then shows.
#[test]
fn a_preview_the_platform_was_busy_for_is_asked_again() {
    let mut app = review_screen(Lang::ZhCn);
    let mut order = app
        .tab::<Review>()
        .and_then(|r| r.screen.as_ref())
        .and_then(|s| s.order.clone())
        .expect("order");
    order.attachments[0].id = "a2".into();
    app.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((order, history())),
    });
    app.take_jobs();
    let _ = render(&app, 80, 24);
    let previews = |app: &mut ca_counter::tui::app::App| {
        sent::<review::Request>(&app.take_jobs())
            .into_iter()
            .filter(|r| matches!(r, review::Request::Preview { .. }))
            .count()
    };
    assert_eq!(previews(&mut app), 1);
    let busy = || {
        Err(Some(problem(
            "checks_busy",
            503,
            "正在检查的上传文件太多，请稍等片刻再传（文件本身没有问题）",
        )))
    };
    app.answer::<Review>(review::Answer::Preview {
        id: "a2".into(),
        page: 0,
        width: 400,
        height: 400,
        result: busy(),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("暂时取不到图片"), "{screen}");
    assert_eq!(previews(&mut app), 0, "not at once");
    let at = |s: i64| NOW + time::Duration::seconds(s);
    app.on_tick(at(1));
    assert_eq!(previews(&mut app), 0, "not within the wait");
    app.on_tick(at(4));
    assert_eq!(previews(&mut app), 1, "asked again");
    app.on_tick(at(8));
    assert_eq!(previews(&mut app), 0, "once while it is on its way");
    app.answer::<Review>(review::Answer::Preview {
        id: "a2".into(),
        page: 0,
        width: 400,
        height: 400,
        result: Ok((scan(400, 200), 1)),
    });
    let screen = render(&app, 80, 24);
    assert!(
        !screen.contains("暂时取不到图片") && screen.contains('▀'),
        "{screen}"
    );
    app.on_tick(at(20));
    assert_eq!(previews(&mut app), 0, "nothing more once shown");
}

/// Approving an order that has no scan of its signed application form: the confirmation
/// says so before the reviewer decides; with the scan, nothing is added.
#[test]
fn the_approval_says_when_there_is_no_signed_form() {
    for (with_form, warned) in [(true, false), (false, true)] {
        let mut app = review_screen(Lang::ZhCn);
        if !with_form
            && let Some(order) = app
                .tab_mut::<Review>()
                .and_then(|r| r.screen.as_mut())
                .and_then(|s| s.order.as_mut())
        {
            order.attachments.clear();
        }
        key(&mut app, KeyCode::Char('a'));
        let screen = render(&app, 80, 24);
        // Asked to confirm, or (not ready) offered to return it instead.
        let title = if with_form {
            "审核通过订单"
        } else {
            "还不能审核通过"
        };
        assert!(screen.contains(title), "{screen}");
        assert_eq!(
            screen.contains("没有签字申请表的扫描件"),
            warned,
            "{screen}"
        );
        assert!(!screen.contains("没有实名认证记录"), "{screen}");
    }
}

/// Approving an order whose applicant was never verified, or verified as someone else:
/// the confirmation says so.
#[test]
fn the_approval_says_when_the_applicant_was_not_verified_as_themself() {
    for (lang, check, said) in [
        (Lang::ZhCn, None, "没有实名认证记录"),
        (Lang::En, None, "no identity check"),
        (Lang::ZhCn, Some(false), "与订单上的申请人不一致"),
    ] {
        let mut app = review_screen(lang);
        if let Some(order) = app
            .tab_mut::<Review>()
            .and_then(|r| r.screen.as_mut())
            .and_then(|s| s.order.as_mut())
        {
            match check {
                None => order.realname = None,
                Some(matches) => {
                    if let Some(realname) = order.realname.as_mut() {
                        realname.matches_applicant = matches;
                    }
                }
            }
        }
        key(&mut app, KeyCode::Char('a'));
        let screen = render(&app, 80, 24);
        assert!(screen.contains(said), "{screen}");
    }
}

#[test]
fn a_correction_since_the_return_is_named_beside_the_order() {
    for lang in Lang::ALL {
        let mut app = review_app(lang);
        key(&mut app, KeyCode::Enter);
        let mut order = order();
        order.resubmissions = 1;
        let mut history = history();
        history.push(entry(5, "reject", "赵审核", "单位名称与营业执照不符"));
        history.push(entry(
            6,
            "edit_details",
            "线上 139****0000",
            "organization.name,organization.legal_representative",
        ));
        // Corrected again, by the counter: still one line, each field and person once.
        history.push(entry(
            7,
            "edit_details",
            "李柜员",
            "mailing.street 客户来电",
        ));
        history.push(entry(8, "edit_details", "李柜员", "organization.name"));
        app.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: None,
            order: Ok((order, history)),
        });
        let screen = render(&app, 80, 24);
        let named = if lang == Lang::ZhCn {
            "退回后改过：机构名称、法定代表人"
        } else {
            "Organisation, Legal rep., mailing"
        };
        assert!(screen.contains(named), "{screen}");
        let said = if lang == Lang::ZhCn {
            "退回后改过"
        } else {
            "corrected since the return"
        };
        assert_eq!(screen.matches(said).count(), 1, "{screen}");
        // Both who corrected it, once each, with the reason given; and where it goes now
        // (read as one text: the pane wraps it).
        let facts = left_pane(&app);
        let who = if lang == Lang::ZhCn {
            "0000、李柜员：客户来电）"
        } else {
            "0000, 李柜员: 客户来电)"
        };
        assert!(facts.contains(&who.replace(' ', "")), "{facts}");
        assert!(facts.contains("湖南省长沙市岳麓区****"), "{facts}");
        assert_eq!(screen.matches("李柜员").count(), 1, "{screen}");
    }
}

/// The review screen's left pane at 80×24 as one text, its rows joined (what it wraps is
/// read whole), without spaces (a wide character's second cell is one).
fn left_pane(app: &ca_counter::tui::app::App) -> String {
    let terminal = terminal(app, 80, 24);
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 2..22 {
        for x in 1..37 {
            text.push_str(buffer[(x, y)].symbol());
        }
    }
    text.replace(' ', "")
}

/// One line of an order's history, at 09:00 on the fixture's day.
fn entry(id: i64, action: &str, who: &str, reason: &str) -> ca_counter::api::HistoryEntry {
    ca_counter::api::HistoryEntry {
        id,
        at: "2026-11-28T09:00:00Z".into(),
        actor: ca_counter::api::Actor {
            id: None,
            name: who.into(),
        },
        action: action.into(),
        from_status: None,
        to_status: None,
        reason: Some(reason.into()),
        request_id: None,
    }
}

/// An organisation's order, returned and corrected, verified as someone with other names
/// too: taller than the facts pane at 80×24. The last row says how much is below and on
/// which key; PgDn shows the rest (the correction last of all), PgUp goes back.
#[test]
fn a_long_application_pages_beside_the_scan() {
    for lang in Lang::ALL {
        let mut app = review_app(lang);
        key(&mut app, KeyCode::Enter);
        let mut order = order();
        order.user_type = ca_counter::domain::UserType::Organization;
        order.organization = Some(ca_counter::api::Organization {
            name: "湖南省某某市政建设工程集团有限责任公司第三分公司".into(),
            uscc: "91110000600037341L".into(),
            legal_representative: "李四".into(),
        });
        order.realname = Some(ca_counter::api::RealnameCheck {
            name: "王五".into(),
            id_number: "1101**********002X".into(),
            verified_at: "2026-11-28T07:20:00Z".into(),
            matches_applicant: true,
            provider: Some("alipay".into()),
            transaction_id: Some("2109b5e671aa3ff2eb4851816c65828f".into()),
            other_names: vec!["王六".into(), "王七".into()],
        });
        order.trade_no = Some("2026112822001412345678901234".into());
        order.resubmissions = 1;
        let mut history = history();
        history.push(entry(
            5,
            "reject",
            "赵审核",
            "单位名称与营业执照不符，请核对后重新上传",
        ));
        history.push(entry(6, "edit_details", "李柜员", "organization.name"));
        app.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: None,
            order: Ok((order, history)),
        });
        let (below, above, last, changed) = if lang == Lang::ZhCn {
            ("下面还有", "上面还有资料（PgUp）", "交易号", "退回后改过")
        } else {
            (
                "more below (PgDn)",
                "more details above (PgUp)",
                "trade no.",
                "corrected since the return",
            )
        };
        let first = render(&app, 80, 24);
        // A resubmission: why it came back and what changed since, on the first page.
        assert!(first.contains(changed), "{first}");
        assert!(first.contains(below), "{first}");
        assert!(
            first.contains("PgDn"),
            "the footer offers the page key:\n{first}"
        );
        assert!(
            !first.contains(last),
            "the test needs a pane that overflows:\n{first}"
        );
        let mut pages = vec![first.clone()];
        for _ in 0..5 {
            key(&mut app, KeyCode::PageDown);
            let page = render(&app, 80, 24);
            if pages.last() == Some(&page) {
                break;
            }
            pages.push(page);
        }
        let end = pages.last().cloned().unwrap_or_default();
        assert!(pages.len() > 1, "PgDn moved nothing:\n{first}");
        assert!(end.contains(last), "{end}");
        assert!(end.contains(above), "{end}");
        assert!(
            end.contains("PgUp"),
            "the footer offers the way back:\n{end}"
        );
        insta::assert_snapshot!(
            format!("review_long_application_end_{}", lang_name(lang)),
            end
        );
        // Every fact was on some page, whole.
        let all = pages.join("\n");
        for fact in [
            "91110000600037341L",
            "李四",
            "2026112822001412345678901234",
            "王六、王七",
        ] {
            assert!(all.contains(fact), "{fact} never shown:\n{all}");
        }
        for _ in 0..5 {
            key(&mut app, KeyCode::PageUp);
        }
        assert_eq!(render(&app, 80, 24), first);
    }
}

/// Order 3 opened from the queue while 钱审核 holds it (until 16:10): the app, and the
/// order as it was answered.
fn opened_while_held_by_another(lang: Lang) -> (ca_counter::tui::app::App, ca_counter::api::Order) {
    let mut app = review_app(lang);
    key(&mut app, KeyCode::Enter);
    let mut held = order();
    held.claim = Some(ca_counter::api::Claim {
        by: ca_counter::api::Actor {
            id: Some("someone-else".into()),
            name: "钱审核".into(),
        },
        expires_at: "2026-11-28T08:10:00Z".into(),
    });
    app.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: Some(Err(problem(
            "claimed_by_other",
            409,
            "订单 HN20261128000003 正由 钱审核 审核（领取至 16:10）",
        ))),
        order: Ok((held.clone(), history())),
    });
    (app, held)
}

/// Opening an order another reviewer holds: who has it and until when, in one line that
/// fits beside the header (which names the order already).
#[test]
fn an_order_held_by_another_reviewer_says_who_and_until_when() {
    for (lang, said) in [
        (Lang::ZhCn, "钱审核 正在审核（领取至 16:10）"),
        (Lang::En, "钱审核 is reviewing it (held until 16:10)"),
    ] {
        let (app, _) = opened_while_held_by_another(lang);
        let screen = render(&app, 80, 24);
        assert!(screen.contains(said), "{screen}");
        let header = screen.lines().nth(1).unwrap_or_default();
        assert_eq!(header.matches("HN20261128000003").count(), 1, "{screen}");
    }
}

/// A reviewer looking on at an order another holds: the other approves it, it is mailed
/// and invoiced. The screen says where it went and that no one reviews it now, and it
/// keeps the scan the reviewer was looking at — it does not open the invoice by itself
/// (which the platform would record as this reviewer viewing it).
#[test]
fn an_order_decided_while_looked_on_keeps_its_scan_and_drops_the_claim_line() {
    let (mut app, held) = opened_while_held_by_another(Lang::ZhCn);
    app.answer::<Review>(review::Answer::Preview {
        id: "a1".into(),
        page: 0,
        width: 400,
        height: 400,
        result: Ok((scan(400, 200), 1)),
    });
    app.take_jobs();
    let mut done = held;
    done.status = OrderStatus::Completed;
    done.claim = None;
    let mut invoice = done.attachments[0].clone();
    invoice.id = "inv1".into();
    invoice.kind = ca_counter::api::AttachmentKind::Invoice;
    invoice.content_type = "application/pdf".into();
    invoice.filename = "电子发票.pdf".into();
    invoice.uploaded_at = "2026-11-30T07:35:00Z".into();
    invoice.scan_check = None;
    done.attachments.push(invoice);
    app.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((done, history())),
    });
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("正在审核"), "{screen}");
    assert!(screen.contains("已完成"), "{screen}");
    assert!(
        screen.contains("2/2"),
        "still the scan, now the second of two:\n{screen}"
    );
    let jobs = app.take_jobs();
    let previews: Vec<review::Request> = sent::<review::Request>(&jobs)
        .into_iter()
        .filter(|r| matches!(r, review::Request::Preview { .. }))
        .collect();
    assert!(previews.is_empty(), "{previews:?}");
}

/// A corrected address is read in full before it is approved: `R` asks for the order with
/// its personal data (the platform records it), and help finds it.
#[test]
fn the_reviewer_may_reveal_the_order_in_full() {
    let mut app = review_screen(Lang::ZhCn);
    key(&mut app, KeyCode::Char('R'));
    let jobs = app.take_jobs();
    assert!(
        sent::<review::Request>(&jobs).iter().any(|r| matches!(
            r,
            review::Request::Open {
                reveal: true,
                claim: false,
                ..
            }
        )),
        "{:?}",
        sent::<review::Request>(&jobs)
    );
    key(&mut app, KeyCode::Char('?'));
    typed(&mut app, "完整");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("显示完整个人信息"), "{screen}");
}

/// An order the platform would not approve (its customer never verified, no scan of the
/// signed form): `a` says both, and `r` opens the checklist with both reasons ticked, so
/// the reviewer returns it with one Enter (the walk checks both popups are whole).
#[test]
fn an_unready_order_is_returned_for_what_it_lacks() {
    for (lang, lacks) in [
        (
            Lang::ZhCn,
            ["申请人未通过实名认证", "没有签字申请表的扫描件"],
        ),
        (
            Lang::En,
            [
                "has not passed the real-name check",
                "no scan of the signed",
            ],
        ),
    ] {
        let mut order = order();
        order.realname = None;
        order.attachments.clear();
        let mut app = review_screen_of(lang, order);
        key(&mut app, KeyCode::Char('a'));
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains(if lang == Lang::ZhCn {
                "没有实名认证记录"
            } else {
                "no identity check"
            }),
            "{screen}"
        );
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('r'));
        let screen = render(&app, 80, 24);
        assert_eq!(screen.matches("[x]").count(), 2, "{screen}");
        for reason in lacks {
            let line = screen.lines().find(|l| l.contains(reason));
            assert!(
                line.is_some_and(|l| l.contains("[x]")),
                "{reason} ticked:\n{screen}"
            );
        }
        key(&mut app, KeyCode::Enter);
        let jobs = app.take_jobs();
        let decided = sent::<review::Request>(&jobs)
            .into_iter()
            .find_map(|r| match r {
                review::Request::Decide { body, .. } => Some(body.reasons),
                _ => None,
            });
        // Kept in Chinese: they go into the customer's text and notice.
        assert_eq!(
            decided,
            Some(vec![
                "没有签字申请表的扫描件".to_owned(),
                "申请人未通过实名认证".to_owned()
            ])
        );
    }
    // A ready order's checklist starts empty.
    let mut app = review_screen(Lang::ZhCn);
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(render(&app, 80, 24).matches("[x]").count(), 0);
}

/// The queue marks an order the platform would not approve before it is opened, and `a`
/// on it offers to return it rather than asking to confirm what is bound to fail.
#[test]
fn the_queue_marks_what_keeps_an_order_from_approval() {
    use ca_counter::domain::ApprovalGap;
    for (lang, marks) in [
        (Lang::ZhCn, "未实名 无签字扫描件"),
        (Lang::En, "no ID check, no scan"),
    ] {
        let mut unready = review_item(3, "张三", 2, ca_counter::domain::Deadline::Ok);
        unready.gaps = vec![ApprovalGap::NotVerified, ApprovalGap::NoSignedForm];
        let (marked, plain, screen) = queue_rows(lang, unready);
        assert!(marked.contains(marks), "{screen}");
        assert!(!plain.contains(marks), "{screen}");
    }
    let mut order = order();
    order.realname = None;
    let mut app = review_screen_of(Lang::ZhCn, order);
    key(&mut app, KeyCode::Char('a'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("还不能审核通过"), "{screen}");
    key(&mut app, KeyCode::Enter);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("[x] 申请人未通过实名认证"), "{screen}");
    assert!(
        app.take_jobs()
            .iter()
            .all(|j| sent::<review::Request>(std::slice::from_ref(j))
                .iter()
                .all(|r| !matches!(r, review::Request::Decide { .. }))),
        "nothing sent yet"
    );
}

/// Another reviewer's order: `a` and `r` say why they cannot be used, instead of nothing.
#[test]
fn a_decision_on_an_order_held_by_another_says_why_not() {
    let mut a = review_app(Lang::ZhCn);
    key(&mut a, KeyCode::Enter);
    a.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: Some(Err(problem(
            "claimed_by_other",
            409,
            "订单 HN20261128000003 正由 钱审核 审核（领取至 2026-11-28 16:10）",
        ))),
        order: Ok((order(), history())),
    });
    for k in ['a', 'r'] {
        key(&mut a, KeyCode::Char(k));
        let screen = render(&a, 80, 24);
        assert!(screen.contains("这一单现在不能由你审核"), "{k}: {screen}");
        assert!(!screen.contains("退回补正："), "{k}: {screen}");
    }
    // The other reviewer lets it go and the claim is taken up: why not is no longer so.
    a.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: Some(Ok(ca_counter::api::Claim {
            by: ca_counter::api::Actor {
                id: Some("o1".into()),
                name: "赵审核".into(),
            },
            expires_at: "2026-11-28T08:15:00Z".into(),
        })),
        order: Ok((order(), history())),
    });
    let screen = render(&a, 80, 24);
    assert!(!screen.contains("这一单现在不能由你审核"), "{screen}");
    assert!(screen.contains("你正在审核"), "{screen}");

    // Held by another who then decides it: read again, the order is on its way to the
    // mailroom, and why this reviewer could not decide it goes.
    let mut b = review_app(Lang::ZhCn);
    key(&mut b, KeyCode::Enter);
    b.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: Some(Err(problem(
            "claimed_by_other",
            409,
            "订单 HN20261128000003 正由 钱审核 审核（领取至 2026-11-28 16:10）",
        ))),
        order: Ok((order(), history())),
    });
    key(&mut b, KeyCode::Char('a'));
    assert!(render(&b, 80, 24).contains("这一单现在不能由你审核"));
    let mut approved = order();
    approved.status = OrderStatus::PendingShipment;
    b.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((approved, history())),
    });
    let screen = render(&b, 80, 24);
    assert!(!screen.contains("这一单现在不能由你审核"), "{screen}");
}

/// An order given back while the platform is out of reach is said not to be, and given
/// back once the platform answers (colleagues saw it held for the rest of the claim).
#[test]
fn a_claim_given_back_while_the_platform_is_out_of_reach_is_given_back_later() {
    let mut a = review_app(Lang::ZhCn);
    key(&mut a, KeyCode::Enter);
    a.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: Some(Ok(ca_counter::api::Claim {
            by: ca_counter::api::Actor {
                id: Some("o1".into()),
                name: "赵审核".into(),
            },
            expires_at: "2026-11-28T08:15:00Z".into(),
        })),
        order: Ok((order(), history())),
    });
    a.take_jobs();
    key(&mut a, KeyCode::Esc);
    let released = |a: &mut ca_counter::tui::app::App| {
        sent::<review::Request>(&a.take_jobs())
            .iter()
            .any(|r| matches!(r, review::Request::Release { order_no } if order_no == "HN20261128000003"))
    };
    assert!(released(&mut a), "given back");
    a.answer::<Review>(review::Answer::Released {
        order_no: "HN20261128000003".into(),
        result: Err(network_error()),
    });
    let notice = a
        .tab::<Review>()
        .and_then(|r| r.notice.as_ref())
        .map(|n| n.text.get(Lang::ZhCn))
        .unwrap_or_default();
    assert!(notice.contains("没能交还"), "{notice}");
    a.on_tick(NOW + time::Duration::seconds(6));
    assert!(released(&mut a), "given back again");
    a.answer::<Review>(review::Answer::Released {
        order_no: "HN20261128000003".into(),
        result: Ok(()),
    });
    let notice = a
        .tab::<Review>()
        .and_then(|r| r.notice.as_ref())
        .map(|n| n.text.get(Lang::ZhCn))
        .unwrap_or_default();
    assert!(notice.contains("已交还"), "{notice}");
    a.on_tick(NOW + time::Duration::seconds(20));
    assert!(!released(&mut a), "once is enough");
}

/// A claim that lapses while the queue is on screen goes from the reviewer column with the
/// clock (nothing tells the queue it lapsed: it stayed until a refresh).
#[test]
fn a_lapsed_claim_leaves_the_queue_with_the_clock() {
    let mut app = review_app(Lang::ZhCn);
    assert!(render(&app, 80, 24).contains("钱审核"));
    app.on_tick(NOW + time::Duration::minutes(11));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("钱审核"), "{screen}");
}

/// An order whose claim could not be asked for (the platform out of reach) and is taken up
/// once it answers again is not said to have been given back by "the reviewer before you":
/// nobody else had it. Given back by another, it is.
#[test]
fn an_order_taken_up_after_the_platform_was_out_of_reach_is_not_called_given_back() {
    for (refused, said, not_said) in [
        (
            network_error(),
            "这一单现在由你审核",
            "上一位审核人交还了这一单",
        ),
        (
            problem(
                "claimed_by_other",
                409,
                "订单 HN20261128000003 正由 钱审核 审核（领取至 2026-11-28 16:10）",
            ),
            "上一位审核人交还了这一单",
            "\u{0}",
        ),
    ] {
        let mut a = review_app(Lang::ZhCn);
        key(&mut a, KeyCode::Enter);
        a.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: Some(Err(refused)),
            order: Ok((order(), history())),
        });
        a.take_jobs();
        // Read again (an event): nobody holds it, so it is taken up…
        let mut unheld = order();
        unheld.claim = None;
        a.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: None,
            order: Ok((unheld, history())),
        });
        assert!(
            sent::<review::Request>(&a.take_jobs())
                .iter()
                .any(|r| matches!(r, review::Request::Open { claim: true, .. })),
            "taken up"
        );
        // …and once the claim is this reviewer's, that is said.
        a.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: Some(Ok(ca_counter::api::Claim {
                by: ca_counter::api::Actor {
                    id: Some("o1".into()),
                    name: "赵审核".into(),
                },
                expires_at: "2026-11-28T08:15:00Z".into(),
            })),
            order: Ok((order(), history())),
        });
        let screen = render(&a, 80, 24);
        let flat: String = screen.split_whitespace().collect();
        assert!(flat.contains(said), "{screen}");
        assert!(!flat.contains(not_said), "{screen}");
    }
}

/// One transfer voucher sent for two orders: beside the voucher, the other order, whole,
/// in both languages, with nothing else on the screen cut; the queue marks it.
#[test]
fn a_voucher_sent_for_another_order_too_is_said_beside_it() {
    use ca_counter::api::AttachmentKind;
    for (lang, said, mark) in [
        (
            Lang::ZhCn,
            "⚠ 这张转账凭证也附在订单 HN20261128000007 上：请核对这笔转账是否付清了每一单",
            "文件重复",
        ),
        (
            Lang::En,
            "⚠ this transfer voucher is also on order HN20261128000007: check that the transfer pays for each",
            "file reused",
        ),
    ] {
        let mut order = order();
        for file in &mut order.attachments {
            file.kind = AttachmentKind::Voucher;
            file.scan_check = None;
            file.also_on = vec!["HN20261128000007".into()];
        }
        let app = review_screen_of(lang, order);
        let (screen, problems) = crate::walk::check::draw(&app, 80, 24);
        assert!(problems.is_empty(), "{problems:?}\n{screen}");
        assert!(
            crate::walk::check::drawn_texts(&app, 80, 24)
                .iter()
                .any(|t| t == said),
            "{said} not drawn:\n{screen}"
        );
        // Without a twin, nothing is said.
        let app = review_screen_of(lang, crate::fixtures::order());
        let (screen, _) = crate::walk::check::draw(&app, 80, 24);
        assert!(!screen.contains("HN20261128000007"), "{screen}");

        let mut twin = review_item(3, "张三", 2, ca_counter::domain::Deadline::Ok);
        twin.file_elsewhere = true;
        let (marked, plain, screen) = queue_rows(lang, twin);
        assert!(marked.contains(mark), "{screen}");
        assert!(!plain.contains(mark), "{screen}");
    }
}

/// A queue longer than the screen says on its last row how many orders are out of sight,
/// both ways while the selection is in the middle; an overdue order whose file was sent for
/// another order too and whose scan is unmatched shows the file mark first, not cut off
/// behind the deadline the waited column already says in red.
#[test]
fn a_long_queue_says_what_is_out_of_sight_and_the_telling_marks_come_first() {
    for lang in [Lang::ZhCn, Lang::En] {
        let mut app = app(lang);
        operator(&mut app, "赵审核", Role::Reviewer);
        app.show_tab::<Review>();
        let seq = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
        let mut first = review_item(1, "张三", 40, ca_counter::domain::Deadline::Overdue);
        first.file_elsewhere = true;
        first.scan_check = crate::fixtures::order().attachments[0].scan_check.clone();
        if let Some(check) = &mut first.scan_check {
            check.outcome = ca_counter::api::ScanOutcome::NoCode;
        }
        first.resubmissions = 1;
        let mut items = vec![first];
        items.extend((2..=30).map(|i| {
            review_item(
                i,
                &format!("客户{}", crate::common::han(i)),
                2,
                ca_counter::domain::Deadline::Ok,
            )
        }));
        app.answer::<Review>(review::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::ReviewQueue {
                items,
                promise_working_days: 2,
            }),
        });
        let (file, below, both, above) = match lang {
            Lang::ZhCn => ("文件重复", "下面还有", "上面", "上面还有"),
            Lang::En => ("file reused", "more below", "above,", "more above"),
        };
        // Too many to fit whole at 80 columns (a resubmission's 补正件 was cut): each
        // mark one character, in the same order, said above the list; whole when wide.
        let (short, means) = match lang {
            Lang::ZhCn => (
                "[重疑补超]",
                "重=文件重复，疑=扫描件存疑，补=补正件，超=已超时",
            ),
            Lang::En => (
                "[FQCO]",
                "F = file reused, Q = scan flagged, C = corrected, O = overdue",
            ),
        };
        let top = render(&app, 80, 24);
        let row = top.lines().find(|l| l.contains("张三")).unwrap_or_default();
        assert!(row.contains(short), "{top}");
        assert!(top.contains(means), "{top}");
        let wide = render(&app, 200, 30);
        let row = wide
            .lines()
            .find(|l| l.contains("张三"))
            .unwrap_or_default();
        assert!(row.contains(file) && !wide.contains(means), "{wide}");
        let last = top.lines().rev().nth(2).unwrap_or_default();
        assert!(
            last.contains(below),
            "the row above the status line:\n{top}"
        );
        for _ in 0..20 {
            key(&mut app, KeyCode::Down);
        }
        let middle = render(&app, 80, 24);
        assert!(middle.contains(both) && middle.contains(below), "{middle}");
        key(&mut app, KeyCode::End);
        let bottom = render(&app, 80, 24);
        assert!(
            bottom.contains(above) && bottom.contains("HN20261128000030"),
            "{bottom}"
        );
        let problems = crate::walk::check::screen("long queue", &app);
        assert!(problems.is_empty(), "{problems:?}");
    }
}

/// The queue with `marked` (张三's order) above an unmarked one (李四's), drawn at 80×24:
/// the two rows and the whole screen.
/// The platform answers the review queue the tab asked for with `items`.
fn queue_answered(app: &mut ca_counter::tui::app::App, items: Vec<ca_counter::api::ReviewItem>) {
    let seq = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    app.answer::<Review>(review::Answer::Queue {
        seq,
        result: Ok(ca_counter::api::ReviewQueue {
            items,
            promise_working_days: 2,
        }),
    });
}

/// The queue's columns stay put when another reviewer claims an order or gives it back:
/// the list moved under every reviewer's eyes as the reviewer column came and went.
#[test]
fn the_queues_columns_stay_put_as_orders_are_claimed() {
    for lang in [Lang::ZhCn, Lang::En] {
        let free = review_item(3, "张三", 2, ca_counter::domain::Deadline::Ok);
        let mut held = free.clone();
        held.claim = Some(ca_counter::api::Claim {
            by: ca_counter::api::Actor {
                id: Some("someone-else".into()),
                name: "钱审核".into(),
            },
            expires_at: "2999-01-01T00:00:00Z".into(),
        });
        let (free_row, _, free_screen) = queue_rows(lang, free);
        let (held_row, _, held_screen) = queue_rows(lang, held);
        assert!(held_row.contains("钱审核"), "{held_screen}");
        // The line above the first row: the column titles.
        let header = |screen: &str| {
            let lines: Vec<&str> = screen.lines().collect();
            let first = lines
                .iter()
                .position(|l| l.contains("HN20261128000003"))
                .unwrap_or_default();
            lines[first.saturating_sub(1)].to_owned()
        };
        assert_eq!(header(&free_screen), header(&held_screen));
        // The row's own text up to the marks is where it was.
        let cut = |row: &str| row.chars().take(40).collect::<String>();
        assert_eq!(cut(&free_row), cut(&held_row));
    }
}

fn queue_rows(lang: Lang, marked: ca_counter::api::ReviewItem) -> (String, String, String) {
    let mut app = app(lang);
    operator(&mut app, "赵审核", Role::Reviewer);
    app.show_tab::<Review>();
    queue_answered(
        &mut app,
        vec![
            marked,
            review_item(4, "李四", 2, ca_counter::domain::Deadline::Ok),
        ],
    );
    let screen = render(&app, 80, 24);
    let row = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_owned()
    };
    (row("张三"), row("李四"), screen)
}

/// A corrected scan sent right after the return opens before the one it replaces: by time
/// (not its text: `…00Z` is earlier than `…00.5Z`), and in the same instant by the
/// platform's order (it lists them oldest first).
#[test]
fn the_newest_file_opens_first_even_in_the_same_second() {
    for (first, second) in [
        ("2026-11-28T07:35:00Z", "2026-11-28T07:35:00.500Z"),
        ("2026-11-28T07:35:00Z", "2026-11-28T07:35:00Z"),
    ] {
        let mut order = order();
        let mut corrected = order.attachments[0].clone();
        order.attachments[0].uploaded_at = first.into();
        corrected.id = "a2".into();
        corrected.filename = "补正.png".into();
        corrected.uploaded_at = second.into();
        order.attachments.push(corrected);
        let app = review_screen_of(Lang::ZhCn, order);
        let shown = app
            .tab::<Review>()
            .and_then(|r| r.screen.as_ref())
            .and_then(|s| s.attachments().first().map(|a| a.id.clone()));
        assert_eq!(shown.as_deref(), Some("a2"), "{first} / {second}");
    }
    // Sent after the order was returned: said beside the file, so it is not taken for the
    // file it corrects.
    let mut order = order();
    let mut corrected = order.attachments[0].clone();
    corrected.id = "a2".into();
    corrected.uploaded_at = "2026-11-28T08:00:00Z".into();
    order.attachments.push(corrected);
    let mut app = review_screen_of(Lang::ZhCn, order);
    if let Some(screen) = app.tab_mut::<Review>().and_then(|r| r.screen.as_mut()) {
        let mut returned = screen.history[0].clone();
        returned.action = "reject".into();
        returned.at = "2026-11-28T07:50:00Z".into();
        screen.history.push(returned);
    }
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("附件 1/2：签字申请表 · 退回后补交"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char(']'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("附件 2/2：签字申请表"), "{screen}");
    assert!(!screen.contains("退回后补交"), "{screen}");
}

/// A queue whose orders shown have no mark: the empty 标记 column gives its room to the
/// customer and the project, which are not cut short for nothing; one mark brings it back.
#[test]
fn an_unmarked_queue_gives_the_marks_room_to_names() {
    let queue = |items: Vec<ca_counter::api::ReviewItem>| {
        let mut app = review_app(Lang::ZhCn);
        let seq = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
        app.answer::<Review>(review::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::ReviewQueue {
                items,
                promise_working_days: 2,
            }),
        });
        render(&app, 80, 24)
    };
    let mut plain = review_item(3, "欧阳娜娜娜", 2, ca_counter::domain::Deadline::Ok);
    plain.order.project_name = "湖南省湘潭市公共资源交易系统".into();
    let screen = queue(vec![plain.clone()]);
    assert!(
        screen.contains("欧阳娜娜娜") && screen.contains("湘潭市公共资源交易"),
        "{screen}"
    );
    let mut marked = plain;
    marked.resubmissions = 1;
    let screen = queue(vec![marked]);
    assert!(screen.contains("补正件"), "{screen}");
}

/// Finance (or support) in 审核队列 is told that reviewers decide, as 邮寄 and 开票 tell
/// those who do not ship or invoice; a reviewer is not.
#[test]
fn a_role_that_does_not_review_is_told_the_queue_is_read_only() {
    for (lang, said) in [
        (Lang::ZhCn, "只读查看：审核由审核岗操作"),
        (Lang::En, "read-only: reviewers decide"),
    ] {
        let (_, _, screen) = queue_rows(
            lang,
            review_item(3, "张三", 2, ca_counter::domain::Deadline::Ok),
        );
        assert!(!screen.contains(said), "a reviewer is not told: {screen}");
        let mut app = app(lang);
        operator(&mut app, "钱财务", Role::Finance);
        app.show_tab::<Review>();
        queue_answered(
            &mut app,
            vec![review_item(3, "张三", 2, ca_counter::domain::Deadline::Ok)],
        );
        let screen = render(&app, 80, 24);
        assert!(screen.contains(said), "{screen}");
    }
}

/// An administrator takes over the order a reviewer holds: the header says who has it,
/// and the line that said it was the reviewer's ("由你审核") goes.
#[test]
fn a_review_taken_over_drops_the_line_that_said_it_was_yours() {
    let mut app = review_screen(Lang::ZhCn);
    if let Some(review) = app.tab_mut::<Review>() {
        review.notice = Some(ca_counter::tui::text::Notice::done(
            ca_counter::tui::text::Text::plain(
                "已打开下一单 HN20261128000003，由你审核（Esc 交还队列）。",
            ),
        ));
    }
    assert!(render(&app, 80, 24).contains("由你审核"));
    let mut order = crate::fixtures::order();
    order.claim = Some(ca_counter::api::Claim {
        by: ca_counter::api::Actor {
            id: Some("o9".into()),
            name: "local-admin".into(),
        },
        expires_at: "2026-11-28T08:30:00Z".into(),
    });
    let taken = order.clone();
    app.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((order, crate::fixtures::history())),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("已由 local-admin 接手审核"), "{screen}");
    assert!(!screen.contains("由你审核"), "{screen}");

    // A refusal just said (a decision refused as held by another) stays said.
    let mut app = review_screen(Lang::ZhCn);
    if let Some(review) = app.tab_mut::<Review>() {
        review.notice = Some(ca_counter::tui::text::Notice::error(
            ca_counter::tui::text::Text::plain("订单 HN20261128000003 正由 local-admin 审核"),
        ));
    }
    app.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((taken, crate::fixtures::history())),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("正由 local-admin 审核"), "{screen}");
}

/// Finance looking at an order in the queue: an ID scan is not finance's to open, so the
/// footer offers neither zooming nor saving it and `s` saves nothing (the picture says
/// who may open it); a reviewer on the same screen is offered both.
#[test]
fn finance_is_not_offered_to_zoom_or_save_a_scan_it_may_not_open() {
    for (lang, save, zoom) in [
        (Lang::ZhCn, "保存附件", "放大"),
        (Lang::En, "save the attachment", "zoom in"),
    ] {
        // Wide enough for the whole footer.
        let mut app = review_screen(lang);
        let screen = render(&app, 200, 30);
        assert!(screen.contains(save) && screen.contains(zoom), "{screen}");
        operator(&mut app, "钱财务", Role::Finance);
        let screen = render(&app, 200, 30);
        assert!(!screen.contains(save), "{screen}");
        assert!(!screen.contains(zoom), "{screen}");
        typed(&mut app, "s+");
        let screen = app.tab::<Review>().and_then(|r| r.screen.as_ref());
        assert!(
            screen.is_some_and(|s| s.popup.is_none() && s.zoom == 1),
            "nothing opened or zoomed"
        );
    }
}

/// "Nothing else to take", said after a decision, gives way when the queue has an order to
/// take again (a correction sent back): the rest of the message stays.
#[test]
fn nothing_more_to_take_gives_way_when_an_order_arrives() {
    for (lang, nothing, more) in [
        (
            Lang::ZhCn,
            "队列中没有其他可领取的订单",
            "队列中又有可领取的订单了",
        ),
        (
            Lang::En,
            "nothing else in the queue to take",
            "the queue has an order to take again",
        ),
    ] {
        // An order skipped with `n` and given back, listed again, is none arrived.
        let mut skipped = app(lang);
        skipped.show_tab::<Review>();
        if let Some(review) = skipped.tab_mut::<Review>() {
            review.notice = Some(ca_counter::tui::text::Notice::info(
                ca_counter::tui::text::Text::plain(nothing),
            ));
            review.nothing_among = Some(vec!["HN20261128000003".into()]);
        }
        queue_answered(
            &mut skipped,
            vec![review_item(3, "张三", 2, ca_counter::domain::Deadline::Ok)],
        );
        let screen = render(&skipped, 80, 24);
        assert!(
            screen.contains(nothing) && !screen.contains(more),
            "{screen}"
        );
        let mut app = app(lang);
        app.show_tab::<Review>();
        let done = format!("HN20261128000003 done. {nothing}");
        if let Some(review) = app.tab_mut::<Review>() {
            review.notice = Some(ca_counter::tui::text::Notice::done(
                ca_counter::tui::text::Text::plain(&done),
            ));
        }
        queue_answered(
            &mut app,
            vec![review_item(3, "张三", 2, ca_counter::domain::Deadline::Ok)],
        );
        let screen = render(&app, 80, 24);
        assert!(screen.contains(more), "{screen}");
        assert!(!screen.contains(nothing), "{screen}");
        assert!(screen.contains("HN20261128000003 done."), "{screen}");
    }
}

/// After a decision the oldest order nobody holds is opened next (the queue's promise):
/// an older one above the decided one was skipped until the list wrapped. One skipped with
/// `n` is passed over while others wait.
#[test]
fn after_a_decision_the_oldest_free_order_is_next_and_a_skipped_one_waits() {
    let opened = |app: &ca_counter::tui::app::App| {
        app.tab::<Review>()
            .and_then(|r| r.screen.as_ref())
            .map(|s| s.order_no.clone())
            .unwrap_or_default()
    };
    let decided = |app: &mut ca_counter::tui::app::App, order_no: &str| {
        let mut approved = crate::fixtures::order();
        approved.order_no = no(order_no);
        approved.status = OrderStatus::PendingShipment;
        app.answer::<Review>(review::Answer::Decided {
            order_no: order_no.into(),
            action: ca_counter::domain::Action::Approve,
            result: Ok(approved),
        });
    };
    let queue = |app: &mut ca_counter::tui::app::App, numbers: &[u32]| {
        let seq = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
        app.answer::<Review>(review::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::ReviewQueue {
                items: numbers
                    .iter()
                    .map(|n| review_item(*n, "张三", 20, ca_counter::domain::Deadline::Ok))
                    .collect(),
                promise_working_days: 2,
            }),
        });
    };
    let mut app = review_app(Lang::ZhCn);
    queue(&mut app, &[1, 2, 3, 4]);
    // The third taken first (selected by hand), then decided: the first is next, not the
    // fourth.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(opened(&app), "HN20261128000003");
    decided(&mut app, "HN20261128000003");
    assert_eq!(opened(&app), "HN20261128000001");
    // The first skipped: the second; that one decided: the fourth, the skipped first
    // passed over while another waits.
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(opened(&app), "HN20261128000002");
    decided(&mut app, "HN20261128000002");
    assert_eq!(opened(&app), "HN20261128000004");
    // The last decided: the skipped one, all that is left.
    decided(&mut app, "HN20261128000004");
    assert_eq!(opened(&app), "HN20261128000001");
}

/// An attachment never turned to on the screen (one that arrived while the order was open,
/// or passed over) is named before approving; once looked at, it is not.
#[test]
fn approving_names_an_attachment_not_looked_at() {
    let mut app = review_screen_of(Lang::ZhCn, with_other_file());
    key(&mut app, KeyCode::Char('a'));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("附件 2/2：其他附件 ⚠ 你还没看过"),
        "{screen}"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char(']'));
    key(&mut app, KeyCode::Char('['));
    key(&mut app, KeyCode::Char('a'));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("你还没看过"), "{screen}");
}

/// The order fixture with a second file ("a0", other), uploaded after the signed form.
fn with_other_file() -> ca_counter::api::Order {
    let mut order = crate::fixtures::order();
    let mut other = order.attachments[0].clone();
    other.id = "a0".into();
    other.kind = ca_counter::api::AttachmentKind::Other;
    other.scan_check = None;
    other.uploaded_at = "2026-11-28T07:30:00Z".into();
    order.attachments.push(other);
    order
}

/// A file this reviewer opened in an earlier round (the order returned, corrected, back)
/// is not "not looked at yet": the order's history records the look. Another reviewer's
/// look is theirs.
#[test]
fn a_file_looked_at_in_an_earlier_round_is_not_named_unseen() {
    for (who, named) in [("o1", false), ("o7", true)] {
        let order = with_other_file();
        let mut history = crate::fixtures::history();
        let mut look = history[0].clone();
        look.id = 99;
        look.actor.id = Some(who.into());
        look.action = "preview_attachment".into();
        look.from_status = None;
        look.to_status = None;
        look.reason = Some("other a0".into());
        history.push(look);
        let mut app = crate::fixtures::review_app(Lang::ZhCn);
        key(&mut app, KeyCode::Enter);
        app.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: Some(Ok(ca_counter::api::Claim {
                by: crate::fixtures::actor("赵审核"),
                expires_at: "2026-11-28T08:15:00Z".into(),
            })),
            order: Ok((order, history)),
        });
        key(&mut app, KeyCode::Char('a'));
        let screen = render(&app, 80, 24);
        assert_eq!(screen.contains("你还没看过"), named, "{who}: {screen}");
    }
}

/// A note support added ("send it to the company's address") is read by the reviewer
/// beside the order, at the top, in both languages, whole at 80×24 (it never reached them).
#[test]
fn a_note_on_the_order_is_read_before_deciding() {
    for lang in Lang::ALL {
        let mut app = review_app(lang);
        key(&mut app, KeyCode::Enter);
        let mut history = history();
        history.push(ca_counter::api::HistoryEntry {
            id: 5,
            at: "2026-11-28T07:50:00Z".into(),
            actor: ca_counter::api::Actor {
                id: Some("o2".into()),
                name: "钱客服".into(),
            },
            action: "note".into(),
            from_status: None,
            to_status: None,
            reason: Some("客户要求寄到公司地址".into()),
            request_id: None,
        });
        app.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: None,
            order: Ok((order(), history)),
        });
        let (screen, problems) = crate::walk::check::draw(&app, 80, 24);
        assert!(problems.is_empty(), "{problems:?}\n{screen}");
        let drawn = crate::walk::check::drawn_texts(&app, 80, 24).join("");
        assert!(
            drawn.contains("钱客服") && drawn.contains("客户要求寄到公司地址"),
            "{screen}"
        );
    }
}
