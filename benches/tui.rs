//! The TUI's cost: time to draw the order list with 10,000 orders loaded (TestBackend,
//! 80×24), and bytes written to a real pseudo-terminal per arrow-key press.
//! `cargo bench --bench tui`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/common/pty.rs"]
mod pty;

use std::time::{Duration, Instant};

use ca_counter::api::{Me, OrderPage, OrderSummary};
use ca_counter::domain::{OrderStatus, Role};
use ca_counter::i18n::Lang;
use ca_counter::tui::app::{self, App, FrameAnswer};
use ca_counter::tui::list::Motion;
use ca_counter::tui::tabs::orders::{self, Orders};
use ca_counter::tui::tabs::{self, Init};
use ca_counter::tui::theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    render_bench();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(pty_bench());
}

fn render_bench() {
    let theme = theme::load("default", None, false).expect("theme");
    let now = time::OffsetDateTime::now_utc();
    let mut app = App::new(
        Lang::ZhCn,
        theme,
        "https://ca-platform.internal".into(),
        now,
        tabs::all(&Init::default()),
    );
    app.start();
    app.frame_answer(FrameAnswer::Me(Ok(Me {
        id: "o".into(),
        name: "李柜员".into(),
        roles: vec![Role::Clerk],
        may_reveal: true,
        may_reveal_id_number: true,
    })));
    let stamp = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let items: Vec<OrderSummary> = (0..10_000)
        .map(|i| OrderSummary {
            order_no: ca_counter::domain::OrderNo::parse(&format!("HN20261128{:06}", 10_000 - i))
                .expect("an order number"),
            status: OrderStatus::ALL[i % 8],
            version: 1,
            customer_name: "欧阳娜娜".into(),
            phone: "138****5678".into(),
            project_name: "湘潭市公共资源交易系统".into(),
            product_name: "个人证书（1年）".into(),
            amount_fen: 20_000,
            created_at: stamp.clone(),
            updated_at: stamp.clone(),
            channel: ca_counter::domain::Channel::Counter,
            payment_method: None,
        })
        .collect();
    app.show_tab::<Orders>();
    let seq = app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0);
    app.answer::<Orders>(orders::Answer::Page {
        seq,
        append: false,
        result: Ok(OrderPage {
            items,
            next_cursor: None,
            search_indexing: None,
        }),
    });
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    for _ in 0..50 {
        terminal.draw(|f| app::draw(f, &app)).expect("draw");
    }
    let frames = 2000;
    let started = Instant::now();
    for i in 0..frames {
        app.command::<Orders>(orders::Cmd::Move(if i % 500 < 250 {
            Motion::Down
        } else {
            Motion::Up
        }));
        terminal.draw(|f| app::draw(f, &app)).expect("draw");
    }
    let per_frame = started.elapsed() / frames;
    println!(
        "order list, 10,000 orders loaded, 80×24: {per_frame:?} per frame ({frames} frames, moving the selection)"
    );
    app.command::<Orders>(orders::Cmd::Move(Motion::Bottom));
    let started = Instant::now();
    for _ in 0..frames {
        terminal.draw(|f| app::draw(f, &app)).expect("draw");
    }
    println!(
        "order list, selection on row 10,000:      {:?} per frame",
        started.elapsed() / frames
    );
    app.command::<Orders>(orders::Cmd::Move(Motion::Top));
    for (width, height) in [(80, 24), (200, 50)] {
        let ratatui = bytes_per_down(&mut app, width, height, |kept| {
            ratatui::backend::CrosstermBackend::new(kept)
        });
        let ours = bytes_per_down(
            &mut app,
            width,
            height,
            ca_counter::tui::backend::Output::new,
        );
        println!(
            "bytes per ↓ through 10,000 orders, {width}×{height}: {ours:.0} B with ours, {ratatui:.0} B with ratatui's crossterm backend: {:.2}×",
            ours / ratatui
        );
    }
}

/// A writer whose bytes are counted.
#[derive(Clone, Default)]
struct Kept(std::rc::Rc<std::cell::Cell<usize>>);

impl std::io::Write for Kept {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bytes a backend writes per ↓ over 400 presses from the top (the list scrolls after the
/// first screen), the same frames for every backend.
fn bytes_per_down<B: ratatui::backend::Backend>(
    app: &mut App,
    width: u16,
    height: u16,
    backend: impl FnOnce(Kept) -> B,
) -> f64
where
    B::Error: std::fmt::Debug,
{
    let kept = Kept::default();
    let mut terminal = Terminal::with_options(
        backend(kept.clone()),
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, width, height)),
        },
    )
    .expect("terminal");
    app.command::<Orders>(orders::Cmd::Move(Motion::Top));
    terminal.draw(|f| app::draw(f, app)).expect("draw");
    let start = kept.0.get();
    let presses = 400;
    for _ in 0..presses {
        app.command::<Orders>(orders::Cmd::Move(Motion::Down));
        terminal.draw(|f| app::draw(f, app)).expect("draw");
    }
    (kept.0.get() - start) as f64 / f64::from(presses)
}

async fn pty_bench() {
    let app = common::TestApp::spawn(common::Db::Sqlite).await;
    for i in 0..120 {
        app.submit(&format!("客户{i}")).await;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = pty::Tui::connect(&app.base, &app.clerk, dir.path(), "zh-CN", 80, 24);
    tui.wait_text("● 在线", Duration::from_secs(20));
    tui.send("\x1bOQ"); // F2: a clerk opens on 新申请
    tui.wait_text("已载入 100 单", Duration::from_secs(20));
    tui.settle(Duration::from_millis(300));
    let first_frame = tui.bytes_written();
    let mut report = |name: &str, key: &str, presses: usize| {
        let mut deltas = Vec::new();
        for _ in 0..presses {
            let before = tui.bytes_written();
            tui.send(key);
            tui.settle(Duration::from_millis(40));
            deltas.push(tui.bytes_written() - before);
        }
        deltas.sort_unstable();
        let mean = deltas.iter().sum::<usize>() as f64 / deltas.len() as f64;
        println!(
            "{name:<30} mean {mean:>6.0} B  median {:>5} B  max {:>5} B  ({presses} presses)",
            deltas[deltas.len() / 2],
            deltas[deltas.len() - 1]
        );
    };
    println!("pseudo-terminal 80×24, first full screen: {first_frame} B");
    report("↓ (selection moves)", "\x1b[B", 40);
    report("PgDn (page of rows changes)", "\x1b[6~", 10);
    report("↑ (selection moves)", "\x1b[A", 40);
    tui.send("q");
    tui.wait_exit(Duration::from_secs(5));
    review_bench(&app).await;
    mail_bench(&app).await;
    app.finish().await;
}

/// A reviewer over a 16-colour terminal with `NO_COLOR`, as over SSH into tmux: bytes per
/// key while paging through the queue, opening an order with its scan, zooming.
async fn review_bench(app: &common::TestApp) {
    let clerk = app.client(&app.clerk);
    let page = clerk
        .orders(&ca_counter::api::OrderQuery::default())
        .await
        .expect("orders");
    for summary in page.items.iter().take(40) {
        let order = clerk.order(&summary.order_no, false).await.expect("order");
        clerk
            .upload_attachment(
                &order.order_no,
                ca_counter::api::AttachmentKind::SignedForm,
                "scan.png",
                scan(),
            )
            .await
            .expect("scan");
        app.pay(&order).await;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[server]\nurl = \"{}\"\n", app.base)).expect("config");
    let (config, data) = (
        config.to_string_lossy().into_owned(),
        dir.path().to_string_lossy().into_owned(),
    );
    let mut tui = pty::Tui::start(
        80,
        24,
        &[],
        &[
            ("CA_COUNTER_CONFIG", &config),
            ("CA_COUNTER_TOKEN", &app.reviewer),
            ("CA_COUNTER_DATA_DIR", &data),
            ("TERM", "screen"),
            ("NO_COLOR", "1"),
        ],
        dir.path(),
    );
    tui.wait_text("● 在线", Duration::from_secs(20));
    tui.send("3");
    tui.wait_text("待审核 40 单", Duration::from_secs(20));
    tui.settle(Duration::from_millis(300));
    let mut report = |name: &str, key: &str, presses: usize, wait: u64| {
        let mut deltas = Vec::new();
        for _ in 0..presses {
            let before = tui.bytes_written();
            tui.send(key);
            tui.settle(Duration::from_millis(wait));
            deltas.push(tui.bytes_written() - before);
        }
        deltas.sort_unstable();
        let mean = deltas.iter().sum::<usize>() as f64 / deltas.len() as f64;
        println!(
            "{name:<30} mean {mean:>6.0} B  median {:>5} B  max {:>5} B  ({presses} presses)",
            deltas[deltas.len() / 2],
            deltas[deltas.len() - 1]
        );
    };
    println!("review queue, TERM=screen, NO_COLOR=1, 80×24:");
    report("↓ in the queue", "\x1b[B", 30, 40);
    report("↑ in the queue", "\x1b[A", 30, 40);
    report("Enter (claim, order + scan)", "\r", 1, 600);
    report("+ (zoom in)", "+", 1, 600);
    report("Esc (back to the queue)", "\x1b", 1, 300);
    tui.send("q");
    tui.wait_exit(Duration::from_secs(5));
}

/// The mailroom scanning numbers as a barcode scanner types them: per parcel, the time
/// from the scan's Enter to the next order on screen (the ship goes to the platform and
/// back), and the bytes written to the terminal.
async fn mail_bench(app: &common::TestApp) {
    let queue = app
        .client(&app.reviewer)
        .review_queue()
        .await
        .expect("queue");
    let parcels = 30;
    for item in queue.items.iter().take(parcels) {
        let order = app
            .client(&app.reviewer)
            .order(&item.order.order_no, false)
            .await
            .expect("order");
        app.act(
            &app.reviewer,
            &order,
            ca_counter::domain::Action::Approve,
            Default::default(),
        )
        .await;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tui = pty::Tui::connect(&app.base, &app.mailroom, dir.path(), "zh-CN", 80, 24);
    tui.wait_text("● 在线", Duration::from_secs(20));
    tui.send("4");
    tui.wait_text(&format!("待邮寄 {parcels} 单"), Duration::from_secs(20));
    tui.send("\r");
    tui.wait_text(&format!("第 1/{parcels} 单"), Duration::from_secs(20));
    tui.settle(Duration::from_millis(300));
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for i in 0..parcels - 1 {
        let before = tui.bytes_written();
        let started = Instant::now();
        tui.send(&format!("98{i:011}\r"));
        tui.wait_text(
            &format!("第 {}/{parcels} 单", i + 2),
            Duration::from_secs(20),
        );
        times.push(started.elapsed());
        tui.settle(Duration::from_millis(100));
        bytes.push(tui.bytes_written() - before);
    }
    times.sort_unstable();
    bytes.sort_unstable();
    let mean_ms =
        times.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0 / times.len() as f64;
    let mean_bytes = bytes.iter().sum::<usize>() as f64 / bytes.len() as f64;
    println!("mailroom scanning, 80×24, {} parcels:", times.len());
    println!(
        "{:<30} mean {mean_ms:>6.1} ms  median {:>5.1} ms  max {:>5.1} ms",
        "scan → next order shown",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0
    );
    println!(
        "{:<30} mean {mean_bytes:>6.0} B  median {:>5} B  max {:>5} B",
        "bytes per scan",
        bytes[bytes.len() / 2],
        bytes[bytes.len() - 1]
    );
    tui.send("\x1b");
    tui.send("q");
    tui.wait_exit(Duration::from_secs(5));
}

/// A scanned form: paper, a few lines of text, a signature.
fn scan() -> Vec<u8> {
    let image = image::RgbImage::from_fn(1240, 1754, |x, y| {
        let text = (200..1500).contains(&y) && (y / 40) % 2 == 0 && (150..1100).contains(&x);
        let signature = (1500..1560).contains(&y) && (700..1000).contains(&x);
        if text || signature {
            image::Rgb([30, 30, 30])
        } else {
            image::Rgb([245, 245, 240])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}
