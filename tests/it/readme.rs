//! README.md's formats and KPI tables are generated from the registries, so they cannot drift.
//! Run with `POSTURE_BLESS=1` to rewrite them after changing a registry.

use std::path::Path;

use posture::core::engine::Engine;
use posture::core::formats::FORMATS;
use posture::core::time::Timestamp;

fn formats_table() -> String {
    let mut t = String::from(
        "| Format | id | Produced by | Severity mapping | Feeds |\n|---|---|---|---|---|\n",
    );
    for f in FORMATS {
        t += &format!(
            "| {} | `{}` | {} | {} | {} |\n",
            f.label, f.id, f.command, f.severity_mapping, f.feeds
        );
    }
    t
}

fn kpi_table() -> String {
    // With no input every tile still carries its formula and target.
    let view = Engine::default().view(Timestamp(0));
    let mut t = String::from("| KPI | id | Formula | Default target |\n|---|---|---|---|\n");
    for tile in &view.tiles {
        t += &format!(
            "| {} | `{}` | {} | {} |\n",
            tile.label, tile.id, tile.formula, tile.target_text
        );
    }
    t
}

fn check_block(readme: &mut String, name: &str, body: &str) -> bool {
    let (start, end) = (
        format!("<!-- {name}:start -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let from = readme
        .find(&start)
        .unwrap_or_else(|| panic!("README.md lacks {start}"))
        + start.len();
    let to = readme
        .find(&end)
        .unwrap_or_else(|| panic!("README.md lacks {end}"));
    if readme[from..to] == *body {
        return true;
    }
    readme.replace_range(from..to, body);
    false
}

#[test]
fn readme_tables_match_the_registries() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let mut readme = std::fs::read_to_string(&path).unwrap();
    let formats_ok = check_block(&mut readme, "formats", &formats_table());
    let kpis_ok = check_block(&mut readme, "kpis", &kpi_table());
    if formats_ok && kpis_ok {
        return;
    }
    if std::env::var_os("POSTURE_BLESS").is_some() {
        std::fs::write(&path, readme).unwrap();
    } else {
        panic!(
            "README.md tables are stale; run `POSTURE_BLESS=1 cargo test readme` and review the diff"
        );
    }
}
