//! The assets of the loaded files, as the Sources view lets the user name and group them, and
//! the group every view is limited to.

use crate::core::engine::{Outcome, Source};
use crate::core::model::Evidence;
use crate::core::protocol::AssetEdit;
use crate::core::settings::Settings;

/// What the view says of assets: each one with its name and group, the groups in use, and what
/// limiting the views to `group` leaves out.
pub struct Assets {
    pub assets: Vec<AssetEdit>,
    pub groups: Vec<String>,
    pub note: Option<String>,
}

pub fn assets(sources: &[Source], settings: &Settings, group: Option<&str>) -> Assets {
    let mut assets: Vec<AssetEdit> = Vec::new();
    for source in sources {
        let (Outcome::Loaded { evidence, .. }, Some(reported)) =
            (&source.outcome, &source.reported)
        else {
            continue;
        };
        let kind = match &**evidence {
            Evidence::Findings(snapshot) => snapshot.asset.kind.as_str(),
            Evidence::Events(log) => log.source.kind.as_str(),
            _ => continue,
        };
        match assets.iter_mut().find(|a| &a.reported == reported) {
            Some(asset) => asset.files += 1,
            None => {
                let label = settings.assets.get(reported);
                assets.push(AssetEdit {
                    reported: reported.clone(),
                    kind: kind.into(),
                    name: label.and_then(|l| l.name.clone()).unwrap_or_default(),
                    group: label.and_then(|l| l.group.clone()).unwrap_or_default(),
                    files: 1,
                });
            }
        }
    }
    assets.sort_by(|a, b| a.reported.cmp(&b.reported));
    let mut groups: Vec<String> = assets
        .iter()
        .filter(|a| !a.group.is_empty())
        .map(|a| a.group.clone())
        .chain(group.map(String::from))
        .collect();
    groups.sort();
    groups.dedup();
    let note = group.map(|g| {
        let inside = assets.iter().filter(|a| a.group == g).count();
        format!(
            "Every view shows the group {g}: {inside} of {} assets. Incident records, metrics CSVs \
             and inventories name no asset: they count in every group.",
            assets.len()
        )
    });
    Assets {
        assets,
        groups,
        note,
    }
}
