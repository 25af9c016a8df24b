//! 审核队列: the queue in every state, the review screen in every state of the claim, and
//! its popups.

use ca_counter::api::{Actor, Claim, ReviewQueue};
use ca_counter::domain::Action;
use ca_counter::i18n::Lang;
use ca_counter::tui::tabs::review::{self, Review};
use crossterm::event::KeyCode;

use super::{Scene, scene, walk};
use crate::fixtures::*;

fn empty(
    lang: Lang,
    result: Result<ReviewQueue, ca_counter::api::ClientError>,
) -> ca_counter::tui::app::App {
    let mut a = app(lang);
    a.show_tab::<Review>();
    let seq = a.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    a.answer::<Review>(review::Answer::Queue { seq, result });
    a
}

fn scenes(lang: Lang) -> Vec<Scene> {
    let mut out = vec![scene("queue", review_app(lang))];
    out.push(scene(
        "queue empty",
        empty(
            lang,
            Ok(ReviewQueue {
                items: vec![],
                promise_working_days: 2,
            }),
        ),
    ));
    out.push(scene(
        "queue unreachable",
        empty(
            lang,
            Err(problem(
                "unavailable",
                503,
                "服务暂不可用：数据库忙或不可用，请稍后重试",
            )),
        ),
    ));
    let mut a = review_app(lang);
    let seq = a.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    a.on_tick(NOW + time::Duration::seconds(61));
    let seq2 = a.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(seq);
    a.answer::<Review>(review::Answer::Queue {
        seq: seq2,
        result: Err(problem("unavailable", 503, "数据库忙或不可用，请稍后重试")),
    });
    out.push(scene("queue stale", a));

    out.push(scene("order held", review_screen(lang)));
    let mut a = review_app(lang);
    key(&mut a, KeyCode::Enter);
    out.push(scene("order being claimed", a));
    let mut a = review_app(lang);
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
    out.push(scene("order held by someone else", a));

    let mut a = review_screen(lang);
    key(&mut a, KeyCode::Char('a'));
    out.push(scene("popup approve", a));
    let mut a = review_screen(lang);
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('9'));
    typed(
        &mut a,
        "印章与单位名称不一致，请加盖与营业执照一致的公章后重新扫描上传",
    );
    out.push(scene("popup return with other text", a));
    let mut a = review_screen(lang);
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Enter);
    out.push(scene("popup return with nothing ticked", a));
    for popup in ['a', 'r'] {
        let mut order = order();
        order.realname = None;
        order.attachments.clear();
        let mut a = review_screen_of(lang, order);
        key(&mut a, KeyCode::Char(popup));
        out.push(scene(
            &format!("popup {popup} over an order not ready for approval"),
            a,
        ));
    }
    let mut a = review_screen(lang);
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Enter);
    a.answer::<Review>(review::Answer::Saved(Err(review::messages::SaveError::Io(
        "/home/reviewer/HN20261128000003-signed_form.png".into(),
        std::io::ErrorKind::PermissionDenied,
    ))));
    out.push(scene("popup save refused", a));

    let mut a = review_screen(lang);
    a.answer::<Review>(review::Answer::Preview {
        id: "a1".into(),
        page: 0,
        width: 10,
        height: 10,
        result: Err(Some(problem(
            "no_preview",
            409,
            "这个 PDF（2 页）的页面不是平台能读的图片（矢量文档、黑白传真编码或过大），无法在终端中显示：请保存后在本机打开",
        ))),
    });
    out.push(scene("attachment without a picture", a));
    // A scanner's PDF of three pages, on its second.
    let mut a = review_screen(lang);
    a.answer::<Review>(review::Answer::Preview {
        id: "a1".into(),
        page: 0,
        width: 400,
        height: 400,
        result: Ok((scan(400, 200), 3)),
    });
    key(&mut a, KeyCode::Char('}'));
    a.answer::<Review>(review::Answer::Preview {
        id: "a1".into(),
        page: 1,
        width: 400,
        height: 400,
        result: Ok((scan(400, 200), 3)),
    });
    out.push(scene("scan of three pages, the second", a));
    let mut a = review_screen(lang);
    key(&mut a, KeyCode::Char('a'));
    key(&mut a, KeyCode::Enter);
    a.answer::<Review>(review::Answer::Decided {
        order_no: "HN20261128000003".into(),
        action: Action::Approve,
        result: Err(problem(
            "claimed_by_other",
            409,
            "订单 HN20261128000003 正由 钱审核 审核（领取至 2026-11-28 16:10）",
        )),
    });
    out.push(scene("decision refused", a));
    let _ = Claim {
        by: Actor {
            id: None,
            name: String::new(),
        },
        expires_at: String::new(),
    };
    out
}

#[test]
fn every_review_screen_and_popup_is_whole_at_80_by_24() {
    walk(scenes);
}

/// Reasons being written survive the popup closing: Esc, then `r` again, brings back the
/// ticks and the typed text (the reviewer closed it to look at the scan again).
#[test]
fn reasons_closed_with_esc_come_back_with_r() {
    let mut a = review_screen(Lang::ZhCn);
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('9'));
    typed(&mut a, "印章不清晰");
    key(&mut a, KeyCode::Esc);
    assert!(!render(&a, 80, 24).contains("印章不清晰"), "closed");
    key(&mut a, KeyCode::Char('r'));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("印章不清晰"), "{screen}");
    assert_eq!(screen.matches("[x]").count(), 2, "{screen}");
}

/// Watching an order another reviewer holds: when they let it go, this screen claims it
/// (as opening it would have) instead of showing their claim for ever.
#[test]
fn a_claim_let_go_by_another_reviewer_is_taken_up_by_the_one_watching() {
    // Watching an order 钱审核 holds, then the order read again with no claim on it.
    let watching = || {
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
        a.take_jobs();
        let mut free = order();
        free.claim = None;
        a.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: None,
            order: Ok((free, history())),
        });
        a
    };
    let claimed = |a: &mut ca_counter::tui::app::App, won: bool| {
        let claim = if won {
            Ok(ca_counter::api::Claim {
                by: ca_counter::api::Actor {
                    id: Some("o1".into()),
                    name: "赵审核".into(),
                },
                expires_at: "2026-11-28T08:15:00Z".into(),
            })
        } else {
            Err(problem(
                "claimed_by_other",
                409,
                "订单 HN20261128000003 正由 孙审核 审核",
            ))
        };
        let mut free = order();
        free.claim = None;
        a.answer::<Review>(review::Answer::Opened {
            order_no: "HN20261128000003".into(),
            claim: Some(claim),
            order: Ok((free, history())),
        });
    };
    let mut a = watching();
    let jobs = a.take_jobs();
    let asked = sent::<review::Request>(&jobs);
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, review::Request::Open { claim: true, .. })),
        "{asked:?}"
    );
    // Said once the claim is theirs (another reviewer may win it): someone only looking
    // knows they hold it now.
    assert!(!render(&a, 80, 24).contains("现在由你审核"));
    claimed(&mut a, true);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("现在由你审核"), "{screen}");
    // Lost to another reviewer: nothing of the kind.
    let mut b = watching();
    claimed(&mut b, false);
    let screen = render(&b, 80, 24);
    assert!(!screen.contains("现在由你审核"), "{screen}");
}

/// A transfer into the example account is marked as money that never came in on the
/// review screen too, before the reviewer approves it.
#[test]
fn a_transfer_into_the_example_account_is_marked_for_the_reviewer() {
    let mut a = review_app(Lang::ZhCn);
    platform_demo(&mut a, vec![ca_counter::api::DemoPart::Bank]);
    key(&mut a, KeyCode::Enter);
    let mut transferred = order();
    transferred.payment_method = Some("bank_transfer".into());
    a.answer::<Review>(review::Answer::Opened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((transferred, history())),
    });
    let screen = render(&a, 100, 40);
    assert!(screen.contains("【演示·未实际收款】银行转账"), "{screen}");
}
