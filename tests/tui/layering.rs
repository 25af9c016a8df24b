//! The TUI's modules stay layered: their imports form no cycle (at the level of the top
//! modules of `src/tui`, each tab's folder its own), no module but the registry names a
//! tab, and the TUI reaches the server only in `embedded.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/tui` (`tabs/orders/view.rs` → tabs, orders, view).
fn module(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The node a module path belongs to: its top module, or `tabs/<tab>`.
fn node(parts: &[String]) -> String {
    match parts {
        [] => "tui".into(),
        [tabs, tab, ..] if tabs == "tabs" && tab.chars().next().is_some_and(char::is_lowercase) => {
            format!("tabs/{tab}")
        }
        [first, ..] => first.clone(),
    }
}

/// Code without comments, and without its tests (they may reach anywhere).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path after `prefix` in `text`, as its segments.
fn paths_after<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = Vec<String>> + 'a {
    text.match_indices(prefix).map(move |(at, _)| {
        text[at + prefix.len()..]
            .split("::")
            .take(2)
            .map(|s| {
                s.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|s| !s.is_empty())
            .collect()
    })
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let text = code(&std::fs::read_to_string(&file).unwrap_or_default());
        let here = module(&root, &file);
        let me = node(&here);
        let mut targets = Vec::new();
        for path in paths_after(&text, "crate::tui::") {
            targets.push(node(&path));
        }
        // `super::x` from a module resolves against its parents.
        for (at, _) in text.match_indices("super::") {
            if at >= 2 && &text[at - 2..at] == "::" {
                continue;
            }
            let mut ups = 0;
            let mut rest = &text[at..];
            while let Some(r) = rest.strip_prefix("super::") {
                ups += 1;
                rest = r;
            }
            let name: Vec<String> = rest
                .split("::")
                .take(2)
                .map(|s| {
                    s.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect()
                })
                .take_while(|s: &String| !s.is_empty())
                .collect();
            let mut full: Vec<String> = here[..here.len().saturating_sub(ups)].to_vec();
            full.extend(name);
            targets.push(node(&full));
        }
        // The registry declares every tab.
        if me == "tabs"
            && let Some(list) = text
                .split("tabs! {")
                .nth(1)
                .and_then(|r| r.split('}').next())
        {
            for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                targets.push(format!("tabs/{name}"));
            }
        }
        for target in targets {
            if target != me && !target.is_empty() {
                edges.entry(me.clone()).or_default().insert(target);
            }
        }
    }
    edges
}

/// The strongly connected groups of more than one node (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<String, usize>,
        low: BTreeMap<String, usize>,
        stack: Vec<String>,
        on: BTreeSet<String>,
        out: Vec<Vec<String>>,
    }
    fn visit(s: &mut State, v: &str) {
        let i = s.index.len();
        s.index.insert(v.to_owned(), i);
        s.low.insert(v.to_owned(), i);
        s.stack.push(v.to_owned());
        s.on.insert(v.to_owned());
        let next: Vec<String> = s.edges.get(v).into_iter().flatten().cloned().collect();
        for w in next {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[&w].min(s.low[v]);
                s.low.insert(v.to_owned(), low);
            } else if s.on.contains(&w) {
                let low = s.index[&w].min(s.low[v]);
                s.low.insert(v.to_owned(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(&w);
                let done = w == v;
                group.push(w);
                if done {
                    break;
                }
            }
            if group.len() > 1 {
                s.out.push(group);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    let nodes: BTreeSet<String> = edges
        .iter()
        .flat_map(|(k, v)| std::iter::once(k.clone()).chain(v.iter().cloned()))
        .collect();
    for v in nodes {
        if !state.index.contains_key(&v) {
            visit(&mut state, &v);
        }
    }
    state.out
}

#[test]
fn the_tui_modules_import_each_other_in_no_cycle() {
    let edges = graph();
    assert!(
        edges.contains_key("app") && edges.contains_key("tabs/orders"),
        "{edges:?}"
    );
    let found = cycles(&edges);
    assert!(found.is_empty(), "cycles: {found:?}\nimports: {edges:#?}");
    for (from, to) in &edges {
        if from != "tabs" && from != "tui" {
            let tabs: Vec<&String> = to.iter().filter(|t| t.starts_with("tabs/")).collect();
            assert!(tabs.is_empty(), "{from} names a tab's insides: {tabs:?}");
        }
    }
}

#[test]
fn the_tui_reaches_the_server_only_to_embed_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut files = Vec::new();
    sources(&root, &mut files);
    for file in files {
        let text = code(&std::fs::read_to_string(&file).unwrap_or_default());
        if file.ends_with("embedded.rs") {
            continue;
        }
        assert!(
            !text.contains("crate::server"),
            "{} uses the server",
            file.display()
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    edges.entry("c".into()).or_default().insert("a".into());
    edges.entry("c".into()).or_default().insert("d".into());
    let found = cycles(&edges);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].len(), 3);
}
