//! The layers of `src/` point one way. This test reads every source file, finds each reference
//! to another top-level module (`use crate::x`, inline `crate::x::…` paths, `super::` paths that
//! climb out of the module, grouped `crate::{x, y}`), and fails on any that the table below does
//! not allow, naming the file and line. `docs/architecture.md` draws the same table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may use. Anything else is a violation.
const ALLOWED: &[(&str, &[&str])] = &[
    ("allocator", &[]),
    ("clock", &[]),
    ("domain", &["clock"]),
    ("crm", &["domain", "clock"]),
    ("store", &["crm", "domain", "clock"]),
    ("journal", &["allocator", "domain", "clock"]),
    ("webhook", &["store", "journal", "domain", "clock"]),
    ("probe", &["webhook", "store", "journal", "domain", "clock"]),
    (
        "recording",
        &["crm", "webhook", "journal", "domain", "clock"],
    ),
    (
        "playback",
        &[
            "recording",
            "webhook",
            "store",
            "crm",
            "journal",
            "domain",
            "clock",
        ],
    ),
    (
        "inbound_call",
        &["recording", "crm", "webhook", "journal", "domain", "clock"],
    ),
    (
        "sdk",
        &[
            "inbound_call",
            "webhook",
            "store",
            "crm",
            "journal",
            "domain",
            "clock",
        ],
    ),
    (
        "fixture",
        &[
            "probe",
            "recording",
            "webhook",
            "store",
            "crm",
            "domain",
            "clock",
        ],
    ),
    (
        "scenario",
        &[
            "fixture",
            "playback",
            "recording",
            "sdk",
            "probe",
            "inbound_call",
            "webhook",
            "store",
            "crm",
            "journal",
            "domain",
            "clock",
        ],
    ),
    (
        "state",
        &[
            "scenario",
            "playback",
            "recording",
            "sdk",
            "probe",
            "inbound_call",
            "webhook",
            "store",
            "journal",
            "domain",
            "clock",
        ],
    ),
    ("sandbox", &["state", "store", "journal", "clock"]),
    ("context", &["sandbox", "state"]),
    (
        "api",
        &[
            "context",
            "state",
            "playback",
            "recording",
            "inbound_call",
            "store",
            "crm",
            "journal",
            "domain",
            "clock",
        ],
    ),
    (
        "control",
        &[
            "context",
            "sandbox",
            "state",
            "fixture",
            "playback",
            "recording",
            "probe",
            "sdk",
            "webhook",
            "store",
            "journal",
            "domain",
            "clock",
        ],
    ),
    ("dashboard", &["control"]),
    (
        "app",
        &[
            "allocator",
            "api",
            "context",
            "control",
            "dashboard",
            "sandbox",
            "state",
            "sdk",
            "fixture",
            "store",
            "journal",
            "webhook",
            "domain",
            "clock",
        ],
    ),
    (
        "harness",
        &[
            "app", "state", "scenario", "fixture", "webhook", "domain", "clock",
        ],
    ),
    (
        "cli",
        &[
            "app",
            "harness",
            "dashboard",
            "sandbox",
            "scenario",
            "fixture",
            "recording",
            "probe",
            "webhook",
            "store",
            "journal",
            "domain",
            "clock",
        ],
    ),
];

/// A reference from one module to another, where it was seen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Reference {
    from: String,
    to: String,
    file: String,
    line: usize,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/webhook/validator/entry.rs` → [webhook, validator, entry];
/// `mod.rs` names its folder. `lib.rs` and `main.rs` are the root (empty).
fn module_path(root: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root).expect("a file under src/");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// The source without comments and string literals (whose words are not references).
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let (mut in_string, mut in_comment) = (false, false);
    while let Some(c) = chars.next() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                out.push('\n');
            }
            continue;
        }
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                '\n' => out.push('\n'),
                _ => {}
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'/') => in_comment = true,
            '"' => {
                in_string = true;
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every top-level module the code of a file refers to, with the line.
fn references(module: &[String], code: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    // Inline modules (`mod tests { … }`): the brace depth each opened at. A `super` inside one
    // climbs to the file's module first.
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    for (index, line) in code.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim_start();
        let opens_module = (trimmed.starts_with("mod ") || trimmed.starts_with("pub mod "))
            && trimmed.trim_end().ends_with('{');
        let nesting = inline.len();
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                found.extend(group_heads(group).into_iter().map(|m| (m, line_no)));
            } else {
                found.push((ident(after), line_no));
            }
            rest = after;
        }
        let mut rest = line;
        while let Some(at) = rest.find("super::") {
            // Only a path that starts here (not `x::super::`), counted from its first `super`.
            let before = &rest[..at];
            let mut after = &rest[at..];
            let mut climbs = 0;
            while let Some(next) = after.strip_prefix("super::") {
                climbs += 1;
                after = next;
            }
            if !before.ends_with("::") {
                // A file's own module is `module` (plus any inline modules it is in); each
                // `super` goes one up from there.
                if climbs >= module.len() + nesting {
                    let target = ident(after);
                    if !target.is_empty() {
                        found.push((target, line_no));
                    }
                }
            }
            rest = after;
        }
        if opens_module {
            inline.push(depth);
        }
        for c in line.chars() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if inline.last().is_some_and(|opened| *opened == depth) {
                        inline.pop();
                    }
                }
                _ => {}
            }
        }
    }
    found.retain(|(m, _)| !m.is_empty());
    found
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The first segments of a `{a, b::c, d as e}` group (up to its closing brace on this line).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && (c.is_alphanumeric() || c == '_') => {
                heads.push(ident(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    heads
}

/// Every cross-module reference in the sources under `root`.
fn scan(root: &Path) -> Vec<Reference> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let mut all = Vec::new();
    for file in files {
        let module = module_path(root, &file);
        let Some(from) = module.first().cloned() else {
            continue; // lib.rs and main.rs wire modules together by definition
        };
        let code = code_only(&std::fs::read_to_string(&file).expect("a readable source"));
        for (to, line) in references(&module, &code) {
            if to != from && to != "self" {
                all.push(Reference {
                    from: from.clone(),
                    to,
                    file: file.strip_prefix(root).unwrap().display().to_string(),
                    line,
                });
            }
        }
    }
    all.sort();
    all
}

/// The references the table does not allow (an unknown module is never allowed).
fn violations(references: &[Reference]) -> Vec<&Reference> {
    let table: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(module, deps)| (*module, deps.iter().copied().collect()))
        .collect();
    references
        .iter()
        .filter(|r| {
            !table
                .get(r.from.as_str())
                .is_some_and(|allowed| allowed.contains(r.to.as_str()))
        })
        .collect()
}

#[test]
fn every_module_imports_only_the_layers_it_may() {
    let references = scan(&src());
    assert!(
        references.len() > 100,
        "the scan found only {} references: is it reading src/?",
        references.len()
    );
    let bad = violations(&references);
    assert!(
        bad.is_empty(),
        "{} imports break the layering (allowed table in tests/architecture/main.rs and docs/architecture.md):\n{}",
        bad.len(),
        bad.iter()
            .map(|r| format!("  src/{}:{}: {} uses {}", r.file, r.line, r.from, r.to))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// HubSpot's vocabulary, the state, the journals, the SDK host and the recordings' judges know
/// nothing of HTTP.
#[test]
fn the_inner_layers_use_no_http_crate() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut offenders = Vec::new();
    for file in &files {
        let module = module_path(&src(), file);
        if !matches!(
            module.first().map(String::as_str),
            Some("domain" | "store" | "journal" | "clock" | "sdk" | "recording")
        ) {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        for (index, line) in code.lines().enumerate() {
            if ["actix_web", "actix_http", "awc::", "awc;"]
                .iter()
                .any(|c| line.contains(c))
            {
                offenders.push(format!("{}:{}", file.display(), index + 1));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "HTTP in an inner layer: {offenders:?}"
    );
}

#[test]
fn every_top_level_module_has_a_row_in_the_table() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_path(&src(), f).first().cloned())
        .collect();
    let listed: BTreeSet<String> = ALLOWED.iter().map(|(m, _)| m.to_string()).collect();
    assert_eq!(modules, listed, "src/ modules vs the table");
}

/// The test of the test: a copy of the sources with one planted violation of each kind
/// (a `use`, an inline path, a grouped import and a `super::` climb) must fail, at those lines.
#[test]
fn a_planted_violation_is_caught() {
    let planted = std::env::temp_dir().join(format!("architecture-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&planted);
    copy_dir(&src(), &planted);
    let plant = |file: &str, text: &str| {
        let path = planted.join(file);
        let mut source = std::fs::read_to_string(&path).unwrap();
        source.push_str(text);
        std::fs::write(&path, source).unwrap();
    };
    plant("domain/ids.rs", "\nuse crate::api::error::ApiError;\n");
    plant(
        "store/mod.rs",
        "\nfn planted() { let _ = crate::fixture::loader::DEFAULT_FIXTURE; }\n",
    );
    plant(
        "webhook/fire.rs",
        "\nuse crate::{journal::Journal, probe::MAX_BURST};\n",
    );
    plant(
        "journal/budget.rs",
        "\nuse super::super::control::CONTROL_PREFIX;\n",
    );
    // Comments and strings are not references.
    plant(
        "clock.rs",
        "\n// crate::cli is mentioned here\nconst _S: &str = \"crate::app\";\n",
    );
    let references = scan(&planted);
    let _ = std::fs::remove_dir_all(&planted);
    let bad: BTreeSet<(String, String)> = violations(&references)
        .into_iter()
        .map(|r| (r.from.clone(), r.to.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("domain", "api"),
        ("store", "fixture"),
        ("webhook", "probe"),
        ("journal", "control"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(bad, expected, "{references:#?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
