//! Finding the project at the counter: by Chinese name or pinyin initials.

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(projects_are_found_by_pinyin_initials_and_prefix_matches_come_first);

async fn projects_are_found_by_pinyin_initials_and_prefix_matches_come_first(db: Db) {
    let app = TestApp::spawn(db).await;
    let clerk = app.client(&app.clerk);
    let xt = clerk.projects("xt").await.expect("search");
    assert_eq!(
        xt.first().map(|p| p.name.as_str()),
        Some("湘潭市公共资源交易系统"),
        "{xt:?}"
    );
    assert!(
        xt.iter().any(|p| p.name.starts_with("湘西")),
        "contains matches follow"
    );
    let cs = clerk.projects("CS").await.expect("search");
    assert_eq!(
        cs.first().map(|p| p.name.as_str()),
        Some("长沙市公共资源交易中心")
    );
    let by_name = clerk.projects("湘潭").await.expect("search");
    assert_eq!(by_name.len(), 1);
    // As a phone keyboard in full-width mode types it, or with a space.
    for typed in ["ｘｔ", "ＸＴ", "湘 潭", "湘　潭"] {
        let found = clerk.projects(typed).await.expect("search");
        assert_eq!(
            found.first().map(|p| p.name.as_str()),
            Some("湘潭市公共资源交易系统"),
            "{typed}"
        );
    }
    assert!(by_name[0].products.len() >= 2);
    assert!(
        by_name[0]
            .products
            .windows(2)
            .all(|w| w[0].price_fen <= w[1].price_fen),
        "cheapest first"
    );
    assert!(
        clerk
            .projects("no-such-thing")
            .await
            .expect("search")
            .is_empty()
    );
    assert!(
        clerk.projects("100%").await.expect("search").is_empty(),
        "LIKE wildcards are literal"
    );
    app.finish().await;
}
