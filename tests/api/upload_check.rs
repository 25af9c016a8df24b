//! Uploaded PDFs checked in a process of their own (`ca-counter check-upload`), bounded in
//! time and memory, a few at once: what the child answers is what the upload gets; a child
//! that runs out of time, ends without an answer or cannot get a turn refuses the file
//! (or asks for it again) and leaves the platform as it was.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ca_counter::api::AttachmentKind;
use ca_counter::config::PlatformConfig;

use crate::common::{Db, TestApp};

fn checked_by(program: &Path, seconds: u64, at_once: usize, wait_seconds: u64) -> PlatformConfig {
    let mut config = PlatformConfig::default();
    config.upload_check.program = Some(program.to_path_buf());
    config.upload_check.seconds = seconds;
    config.upload_check.at_once = at_once;
    config.upload_check.wait_seconds = wait_seconds;
    config
}

/// A stand-in for the checker: a shell script.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_real_checker_answers_for_each_pdf_and_pictures_stay_in_the_platform() {
    let program = PathBuf::from(env!("CARGO_BIN_EXE_ca-counter"));
    let app = TestApp::spawn_with(Db::Sqlite, checked_by(&program, 20, 2, 30)).await;
    let order = app.submit("张三").await;
    let clerk = app.client(&app.clerk);
    let kept = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Other,
            "three.pdf",
            crate::common::scan_pdf(3, 64 * 1024),
        )
        .await
        .expect("a plain PDF is taken");
    assert_eq!(kept.content_type, "application/pdf");
    // The child's refusals are the upload's, each in its own words.
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend(std::iter::repeat_n(b'x', 4000));
    for (name, bytes, said) in [
        (
            "scripted.pdf",
            crate::common::scripted_pdf(),
            "does things when opened",
        ),
        ("garbage.pdf", garbage, "damaged or not a real PDF"),
    ] {
        let refused = clerk
            .upload_attachment(&order.order_no, AttachmentKind::Other, name, bytes)
            .await
            .expect_err(name);
        let problem = refused.problem().expect("problem");
        assert_eq!(problem.status, 422, "{name}: {problem:?}");
        assert!(
            problem
                .errors
                .iter()
                .any(|e| e.field == "file" && e.message.contains(said)),
            "{name}: {problem:?}"
        );
    }
    // A picture is measured in the platform: no child, the same answer.
    clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Other,
            "scan.png",
            crate::common::scan_png(303, 395),
        )
        .await
        .expect("a picture is taken");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_check_past_its_time_or_without_an_answer_refuses_the_file_and_a_full_house_says_busy() {
    let dir = tempfile::tempdir().expect("dir");
    let order_pdf = || crate::common::scan_pdf(1, 2 * 1024);
    // Past its time: killed at 2 s, the file refused in words, nothing stored.
    let slow = script(dir.path(), "slow.sh", "cat >/dev/null; sleep 30");
    let app = TestApp::spawn_with(Db::Sqlite, checked_by(&slow, 2, 1, 1)).await;
    let order = app.submit("张三").await;
    let clerk = app.client(&app.clerk);
    let started = Instant::now();
    let refused = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Other,
            "slow.pdf",
            order_pdf(),
        )
        .await
        .expect_err("refused");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "cut at its limit: {took:?}");
    let problem = refused.problem().expect("problem");
    assert_eq!(problem.status, 422, "{problem:?}");
    assert!(
        problem
            .errors
            .iter()
            .any(|e| e.field == "file" && e.message.contains("memory")),
        "{problem:?}"
    );
    // Two of one clerk's at once: the second waits its 1 s for the clerk's own turn and
    // is told to send it again (503, the file not blamed); the first is refused as above.
    let (first, second) = tokio::join!(
        clerk.upload_attachment(&order.order_no, AttachmentKind::Other, "a.pdf", order_pdf()),
        async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            clerk
                .upload_attachment(&order.order_no, AttachmentKind::Other, "b.pdf", order_pdf())
                .await
        }
    );
    assert_eq!(
        first.expect_err("refused").problem().map(|p| p.status),
        Some(422)
    );
    let busy = second.expect_err("busy");
    let problem = busy.problem().expect("problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (503, "checks_busy"),
        "{problem:?}"
    );
    let order = clerk.order(&order.order_no, false).await.expect("order");
    assert!(order.attachments.is_empty(), "nothing was stored");
    app.finish().await;
    // Ended without an answer (killed by a signal, as a check past its memory ends) or
    // with one it cannot have said: refused the same way.
    for (name, body) in [
        ("crash.sh", "cat >/dev/null; kill -ABRT $$"),
        ("babble.sh", "cat >/dev/null; echo ok zero"),
    ] {
        let program = script(dir.path(), name, body);
        let app = TestApp::spawn_with(Db::Sqlite, checked_by(&program, 10, 2, 10)).await;
        let order = app.submit("张三").await;
        let refused = app
            .client(&app.clerk)
            .upload_attachment(&order.order_no, AttachmentKind::Other, "x.pdf", order_pdf())
            .await
            .expect_err(name);
        let problem = refused.problem().expect("problem");
        assert_eq!(problem.status, 422, "{name}: {problem:?}");
        app.finish().await;
    }
}

/// The child itself: within its memory it answers; past it, it ends without an answer.
#[test]
fn the_checker_answers_on_one_line_and_ends_without_one_past_its_memory() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let run = |memory_mb: &str, data: &[u8]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ca-counter"))
            .args(["check-upload", "--memory-mb", memory_mb])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(data);
        }
        child.wait_with_output().expect("wait")
    };
    let pdf = crate::common::scan_pdf(2, 8 * 1024 * 1024);
    let out = run("256", &pdf);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok 2");
    let out = run("256", &crate::common::scripted_pdf());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "refused active"
    );
    // 8 MB cannot even be read within 4 MiB.
    let out = run("4", &pdf);
    assert!(!out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

/// One person sending crafted files takes one turn, not all: with two turns, a second
/// clerk's file is checked while the first clerk's wait for that clerk's own turn; and
/// past two uploads of one person's under way a new one is answered at once, before its
/// file is read (not held in memory waiting).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_uploader_takes_one_turn_and_two_places() {
    let dir = tempfile::tempdir().expect("dir");
    let slow = script(dir.path(), "slow.sh", "cat >/dev/null; sleep 30");
    let app = TestApp::spawn_with(Db::Sqlite, checked_by(&slow, 3, 2, 2)).await;
    let order = app.submit("张三").await;
    let (one, other) = (app.client(&app.clerk), app.client(&app.clerk2));
    let pdf = || crate::common::scan_pdf(1, 2 * 1024);
    let upload = |client: ca_counter::api::Client, name: &'static str| {
        let order_no = order.order_no.clone();
        let data = pdf();
        async move {
            client
                .upload_attachment(&order_no, AttachmentKind::Other, name, data)
                .await
                .expect_err(name)
                .problem()
                .map(|p| p.status)
        }
    };
    let (a, b, c, d) = tokio::join!(
        upload(one.clone(), "a.pdf"),
        upload(one.clone(), "b.pdf"),
        upload(one.clone(), "c.pdf"),
        async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            upload(other.clone(), "d.pdf").await
        }
    );
    let mut ones = [a, b, c];
    ones.sort();
    // One of the first clerk's checked (and refused past its time), two told busy.
    assert_eq!(ones, [Some(422), Some(503), Some(503)]);
    assert_eq!(d, Some(422), "the other clerk's file had a turn");
    app.finish().await;

    // One turn, one clerk's twelve at once: two under way, the rest answered at once.
    let app = TestApp::spawn_with(Db::Sqlite, checked_by(&slow, 2, 1, 4)).await;
    let order = app.submit("张三").await;
    let started = Instant::now();
    let answers = futures_util::future::join_all((0..12).map(|i| {
        let client = app.client(&app.clerk);
        let order_no = order.order_no.clone();
        async move {
            let answer = client
                .upload_attachment(
                    &order_no,
                    AttachmentKind::Other,
                    &format!("{i}.pdf"),
                    crate::common::scan_pdf(1, 2 * 1024),
                )
                .await
                .expect_err("refused");
            (answer.problem().map(|p| p.status), started.elapsed())
        }
    }))
    .await;
    let at_once = answers
        .iter()
        .filter(|(status, took)| *status == Some(503) && *took < Duration::from_secs(1))
        .count();
    assert!(at_once >= 9, "{answers:?}");
    app.finish().await;
}

/// A check that cannot be started (the program gone, the process table full) refuses the
/// PDF for now — 503, send it again — and never parses it in the platform instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_check_that_cannot_start_is_busy_never_parsed_in_the_platform() {
    let missing = PathBuf::from("/nonexistent/ca-counter");
    let app = TestApp::spawn_with(Db::Sqlite, checked_by(&missing, 20, 2, 30)).await;
    let order = app.submit("张三").await;
    let clerk = app.client(&app.clerk);
    let refused = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Other,
            "plain.pdf",
            crate::common::scan_pdf(1, 2 * 1024),
        )
        .await
        .expect_err("not checked, not taken");
    let problem = refused.problem().expect("problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (503, "checks_busy"),
        "{problem:?}"
    );
    // Pictures are measured in the platform, as ever.
    clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Other,
            "scan.png",
            crate::common::scan_png(303, 395),
        )
        .await
        .expect("a picture is taken");
    app.finish().await;
}

/// The counter's own check of a file the clerk picks, before anything is sent: a PDF is
/// parsed by the program in a process of its own, as the platform parses it — one that
/// does things when opened refused, one whose check runs out of time refused within the
/// bound (the counter goes on); a program that cannot be started leaves the reading to the
/// counter itself, which still refuses what the platform would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_checks_a_pdf_the_clerk_picks_in_a_process_of_its_own() {
    use ca_counter::config::UploadCheckConfig;
    use ca_counter::tui::files::{FileProblem, check};
    let dir = tempfile::tempdir().expect("dir");
    let plain = dir.path().join("three.pdf");
    std::fs::write(&plain, crate::common::scan_pdf(3, 64 * 1024)).expect("pdf");
    let scripted = dir.path().join("scripted.pdf");
    std::fs::write(&scripted, crate::common::scripted_pdf()).expect("pdf");
    let real = UploadCheckConfig {
        program: Some(env!("CARGO_BIN_EXE_ca-counter").into()),
        ..Default::default()
    };
    let (info, _) = check(&plain, 0, &real).await.expect("a plain PDF");
    assert_eq!(info.pages, Some(3));
    assert_eq!(
        check(&scripted, 0, &real).await.err(),
        Some(FileProblem::ActivePdf)
    );
    // A check that never answers is cut at its bound: the file refused, nothing held.
    let slow = UploadCheckConfig {
        program: Some(script(dir.path(), "slow", "cat >/dev/null; sleep 30")),
        seconds: 1,
        ..Default::default()
    };
    let started = Instant::now();
    assert_eq!(
        check(&plain, 0, &slow).await.err(),
        Some(FileProblem::CostlyPdf)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // One that ends without a word (past its memory) refuses it too.
    let silent = UploadCheckConfig {
        program: Some(script(dir.path(), "silent", "cat >/dev/null; exit 1")),
        ..Default::default()
    };
    assert_eq!(
        check(&plain, 0, &silent).await.err(),
        Some(FileProblem::CostlyPdf)
    );
    // No program to run: read here, the same answers.
    let gone = UploadCheckConfig {
        program: Some(dir.path().join("no-such-program")),
        ..Default::default()
    };
    assert_eq!(
        check(&plain, 0, &gone).await.map(|(i, _)| i.pages),
        Ok(Some(3))
    );
    assert_eq!(
        check(&scripted, 0, &gone).await.err(),
        Some(FileProblem::ActivePdf)
    );
    // ... only a scanner's few pages: a large one is not parsed here unbounded.
    let large = dir.path().join("large.pdf");
    std::fs::write(&large, crate::common::scan_pdf(3, 3 * 1024 * 1024)).expect("pdf");
    assert_eq!(
        check(&large, 0, &gone).await.err(),
        Some(FileProblem::CannotCheck)
    );
    assert_eq!(
        check(&large, 0, &real).await.map(|(i, _)| i.pages),
        Ok(Some(3))
    );
}
