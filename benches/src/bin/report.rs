//! Prints criterion's results as the markdown tables of BENCHMARKS.md, under
//! a line naming the CPU they were measured on.
//!
//! ```text
//! cargo run -p ipv4-benches --bin report -- [--dir DIR] [--median] PREFIX...
//! cargo run -p ipv4-benches --bin report -- checksum kernels
//! cargo run -p ipv4-benches --bin report -- --dir target/native/criterion checksum
//! ```
//!
//! Reads every `<group>/<function>/new/{benchmark,sample,estimates}.json`
//! under DIR (default `target/criterion`) whose group id starts with one of
//! the PREFIXes. Groups named `a/b/<row>` make one table per `a/b`: a row
//! per `<row>` (a size, a case), a column per function. A cell is the
//! fastest sample's time per iteration (the code's own cost on a shared
//! machine), or criterion's median with `--median`; in GB/s where the group
//! has a byte throughput. Two more columns: ours ÷ the fastest peer (time
//! ratio, lower is better; "peers" are the functions not named `ours*`,
//! `floor*` (a hand-written floor, not a library), `read_ceiling` or a
//! kernel) and, where a `read_ceiling` function exists,
//! ours as a share of its rate.
//!
//! Lines a bench stores as `pairs-<bench>.txt` (the checksum's
//! back-to-back pairs against the read ceiling) follow the machine lines.
//!
//! The benches write `machine-<bench>.txt` (CPU model, checksum kernel,
//! build) into DIR; `report` prints those lines first and refuses to print
//! tables measured on another CPU model than the one it runs on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One benchmark's figures.
struct Figure {
    /// Nanoseconds per iteration (fastest sample or median).
    ns: f64,
    /// Bytes per iteration, if the group declared a byte throughput.
    bytes: Option<f64>,
}

/// One table: row (sort key, label) -> function -> figure.
type Table = BTreeMap<(u64, String), BTreeMap<String, Figure>>;

/// The text after `"key":`, trimmed.
fn after<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let at = json.find(&format!("\"{key}\":"))?;
    Some(json[at + key.len() + 3..].trim_start())
}

fn string_field(json: &str, key: &str) -> Option<String> {
    let rest = after(json, key)?.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

fn number(text: &str) -> Option<f64> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
        .unwrap_or(text.len());
    text[..end].parse().ok()
}

fn numbers(json: &str, key: &str) -> Option<Vec<f64>> {
    let rest = after(json, key)?.strip_prefix('[')?;
    let list = &rest[..rest.find(']')?];
    list.split(',').map(|n| number(n.trim())).collect()
}

fn read(dir: &Path, median: bool) -> Option<(String, String, Figure)> {
    let new = dir.join("new");
    let benchmark = std::fs::read_to_string(new.join("benchmark.json")).ok()?;
    let group = string_field(&benchmark, "group_id")?;
    let function = string_field(&benchmark, "function_id")?;
    let bytes = ["BytesDecimal", "Bytes"]
        .iter()
        .find_map(|unit| after(&benchmark, unit).and_then(number));
    let ns = if median {
        let estimates = std::fs::read_to_string(new.join("estimates.json")).ok()?;
        let median = after(&estimates, "median")?;
        number(after(median, "point_estimate")?)?
    } else {
        let sample = std::fs::read_to_string(new.join("sample.json")).ok()?;
        let iters = numbers(&sample, "iters")?;
        let times = numbers(&sample, "times")?;
        iters
            .iter()
            .zip(&times)
            .map(|(i, t)| t / i)
            .fold(f64::INFINITY, f64::min)
    };
    Some((group, function, Figure { ns, bytes }))
}

/// Every directory under `dir` that holds a `new/benchmark.json`.
fn benchmark_dirs(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.join("new/benchmark.json").is_file() {
                found.push(path.clone());
            }
            benchmark_dirs(&path, found);
        }
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A figure with three significant digits.
fn fmt(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

fn is_peer(function: &str) -> bool {
    !function.starts_with("ours")
        && !function.starts_with("floor")
        && function != "read_ceiling"
        && !["Scalar", "Sse2", "Hybrid", "Avx2", "Avx512", "Avx512Vnni"].contains(&function)
}

/// Sorts rows numerically where they are numbers (sizes), else by name.
fn row_key(row: &str) -> (u64, String) {
    (row.parse().unwrap_or(u64::MAX), row.to_owned())
}

fn main() -> ExitCode {
    let mut dir = PathBuf::from("target/criterion");
    let mut median = false;
    let mut prefixes = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dir" => dir = args.next().map(PathBuf::from).unwrap_or(dir),
            "--median" => median = true,
            _ => prefixes.push(arg),
        }
    }

    // The machine lines, checked against this machine.
    let model = cpu_model();
    let mut machines: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("machine-"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    machines.sort();
    machines.dedup();
    for line in &machines {
        if !line.contains(&format!("CPU: {model} ·")) {
            eprintln!(
                "{} holds results from another CPU ({}); this is {model}: re-run the benches here",
                dir.display(),
                line.trim()
            );
            return ExitCode::FAILURE;
        }
    }
    if machines.is_empty() {
        eprintln!(
            "no machine-*.txt in {}: run the benches first",
            dir.display()
        );
        return ExitCode::FAILURE;
    }

    let mut found = Vec::new();
    benchmark_dirs(&dir, &mut found);
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in found {
        let Some((group, function, result)) = read(&path, median) else {
            continue;
        };
        if !prefixes.is_empty() && !prefixes.iter().any(|p| group.starts_with(p.as_str())) {
            continue;
        }
        let (table, row) = group.rsplit_once('/').unwrap_or(("", &group));
        let cols = columns.entry(table.to_owned()).or_default();
        if !cols.contains(&function) {
            cols.push(function.clone());
        }
        tables
            .entry(table.to_owned())
            .or_default()
            .entry(row_key(row))
            .or_default()
            .insert(function, result);
    }

    for line in &machines {
        println!("- {}", line.trim());
    }
    // Extra lines a bench stored (`pairs-<bench>.txt`), for the prefixes
    // asked for.
    let mut extras: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name.strip_prefix("pairs-")
                .and_then(|rest| rest.strip_suffix(".txt"))
                .is_some_and(|bench| {
                    prefixes.is_empty() || prefixes.iter().any(|p| p.starts_with(bench))
                })
        })
        .collect();
    extras.sort();
    for name in extras {
        for line in std::fs::read_to_string(dir.join(name))
            .unwrap_or_default()
            .lines()
        {
            println!("- {line}");
        }
    }
    let statistic = if median { "median" } else { "fastest sample" };
    for (table, rows) in &tables {
        let cols = &columns[table];
        // Ours first, then the others by name, the ceiling last.
        let mut cols: Vec<&String> = cols.iter().collect();
        cols.sort_by_key(|c| {
            let class = if c.starts_with("ours") {
                0
            } else if c.as_str() == "read_ceiling" {
                2
            } else {
                1
            };
            (class, c.to_string())
        });
        let throughput = rows
            .values()
            .flat_map(|r| r.values())
            .any(|r| r.bytes.is_some());
        let unit = if throughput { "GB/s" } else { "ns" };
        let has_ceiling = cols.iter().any(|c| c.as_str() == "read_ceiling");
        let has_peers = cols.iter().any(|c| is_peer(c));
        println!("\n`{table}/*` ({statistic}, {unit}):\n");
        let mut header = String::from("| |");
        let mut rule = String::from("|---|");
        for col in &cols {
            header += &format!(" {col} |");
            rule += "---:|";
        }
        if has_peers {
            header += " ours ÷ fastest peer |";
            rule += "---:|";
        }
        if has_ceiling {
            header += " ours ÷ read rate |";
            rule += "---:|";
        }
        println!("{header}\n{rule}");
        for ((_, row), results) in rows {
            let mut line = format!("| {row} |");
            for col in &cols {
                line += &match results.get(*col) {
                    Some(r) => match r.bytes {
                        Some(bytes) if throughput => format!(" {} |", fmt(bytes / r.ns)),
                        _ => format!(" {} |", fmt(r.ns)),
                    },
                    None => " – |".to_owned(),
                };
            }
            // Ours: the plain `ours` if there is one, else the fastest `ours*`.
            let ours = results.get("ours").map(|r| r.ns).or_else(|| {
                results
                    .iter()
                    .filter(|(k, _)| k.starts_with("ours"))
                    .map(|(_, r)| r.ns)
                    .reduce(f64::min)
            });
            if has_peers {
                let peer = results
                    .iter()
                    .filter(|(k, _)| is_peer(k))
                    .map(|(_, r)| r.ns)
                    .reduce(f64::min);
                line += &match (ours, peer) {
                    (Some(o), Some(p)) => format!(" {:.2}× |", o / p),
                    _ => " – |".to_owned(),
                };
            }
            if has_ceiling {
                // For kernel tables (no `ours`), the fastest kernel.
                let ours = ours.or_else(|| {
                    results
                        .iter()
                        .filter(|(k, _)| k.as_str() != "read_ceiling")
                        .map(|(_, r)| r.ns)
                        .reduce(f64::min)
                });
                line += &match (ours, results.get("read_ceiling")) {
                    (Some(o), Some(c)) => format!(" {:.0}% |", 100.0 * c.ns / o),
                    _ => " – |".to_owned(),
                };
            }
            println!("{line}");
        }
    }
    ExitCode::SUCCESS
}
