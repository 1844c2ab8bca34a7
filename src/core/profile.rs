//! Settings as a JSON profile (`posture.profile.v1`): what the Settings view imports and exports,
//! what the page keeps in localStorage and what an organisation places beside index.html as
//! `posture.profile.json`. Every field is optional: what a profile leaves out keeps its default.
//! A profile is checked whole before anything changes: one wrong field and nothing applies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::kpi::{self, DefaultTarget};
use super::model::{Severity, SourceKind};
use super::settings::{AssetLabel, Settings};

pub const SCHEMA: &str = "posture.profile.v1";

/// The largest weight a KPI may have in the overall score.
pub const MAX_WEIGHT: f64 = 1000.0;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// KPI id → target, where it differs from SPEC §4's default.
    #[serde(default)]
    pub targets: BTreeMap<String, f64>,
    /// KPI id → weight in the overall score, where it is not 1.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_days: Option<SlaDays>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_at_risk_percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate_severity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_alert_priority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_sources: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_assumptions_per_day: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_after_days: Option<f64>,
    /// "leave_out" (KPIs without data are not in the score) or "unmet" (they count as 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_kpis: Option<String>,
    /// Asset, as Posture names it from the files → the name to show and its group.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub assets: BTreeMap<String, AssetProfile>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// The longest asset name or group a profile may give.
pub const MAX_LABEL: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaDays {
    pub critical: f64,
    pub high: f64,
    pub medium: f64,
    pub low: f64,
}

impl Profile {
    /// Reads a profile's text: a precise message (with line and column for JSON errors) when it
    /// cannot be used.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let profile: Profile = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("not a Posture profile: {e}"))?;
        profile.settings()
    }

    /// The settings it stands for, or what is wrong with it.
    pub fn settings(&self) -> Result<Settings, String> {
        let mut settings = Settings::default();
        if let Some(schema) = &self.schema
            && schema != SCHEMA
        {
            return Err(format!(
                "schema is \"{schema}\": this version of Posture reads \"{SCHEMA}\""
            ));
        }
        for (id, target) in &self.targets {
            known_kpi(id, "targets")?;
            finite(*target, &format!("targets.{id}"))?;
            settings.targets.insert(id.clone(), *target);
        }
        for (id, weight) in &self.weights {
            known_kpi(id, "weights")?;
            // Bounded, so the weights' sum stays a number (two of 1e308 would make the score NaN).
            if !(0.0..=MAX_WEIGHT).contains(weight) {
                return Err(format!(
                    "weights.{id} must be a number from 0 to {MAX_WEIGHT} (got {weight})"
                ));
            }
            settings.weights.insert(id.clone(), *weight);
        }
        if let Some(sla) = self.sla_days {
            for (name, days) in [
                ("critical", sla.critical),
                ("high", sla.high),
                ("medium", sla.medium),
                ("low", sla.low),
            ] {
                if !(days.is_finite() && days > 0.0) {
                    return Err(format!(
                        "sla_days.{name} must be a number of days above 0 (got {days})"
                    ));
                }
            }
            settings.sla_days = [sla.critical, sla.high, sla.medium, sla.low];
        }
        if let Some(margin) = self.sla_at_risk_percent {
            if !(0.0..=100.0).contains(&margin) {
                return Err(format!(
                    "sla_at_risk_percent must be between 0 and 100 (got {margin})"
                ));
            }
            settings.sla_margin_pct = margin;
        }
        if let Some(gate) = &self.gate_severity {
            settings.gate = severity(gate, "gate_severity")?;
        }
        if let Some(priority) = &self.runtime_alert_priority {
            settings.alert_priority = severity(priority, "runtime_alert_priority")?;
        }
        if let Some(kinds) = &self.expected_sources {
            let mut expected = Vec::new();
            for id in kinds {
                let kind = SourceKind::from_id(id).ok_or_else(|| {
                    let known: Vec<&str> = SourceKind::ALL.iter().map(|k| k.id()).collect();
                    format!(
                        "expected_sources: \"{id}\" is not a source kind (one of {})",
                        known.join(", ")
                    )
                })?;
                if !expected.contains(&kind) {
                    expected.push(kind);
                }
            }
            settings.expected_sources = expected;
        }
        if let Some(rule) = &self.missing_kpis {
            settings.missing_kpis_unmet = match rule.as_str() {
                "leave_out" => false,
                "unmet" => true,
                other => {
                    return Err(format!(
                        "missing_kpis must be \"leave_out\" or \"unmet\" (got \"{other}\")"
                    ));
                }
            };
        }
        if let Some(days) = self.stale_after_days {
            if !(days.is_finite() && days > 0.0) {
                return Err(format!(
                    "stale_after_days must be a number of days above 0 (got {days})"
                ));
            }
            settings.stale_after_days = days;
        }
        if let Some(n) = self.role_assumptions_per_day {
            if n == 0 {
                return Err("role_assumptions_per_day must be 1 or more".into());
            }
            settings.role_assumptions_per_day = n;
        }
        for (asset, label) in &self.assets {
            if asset.trim().is_empty() {
                return Err("assets: an asset's name is empty".into());
            }
            let name = text_field(&label.name, asset, "name")?;
            let group = text_field(&label.group, asset, "group")?;
            if name.is_some() || group.is_some() {
                settings
                    .assets
                    .insert(asset.clone(), AssetLabel { name, group });
            }
        }
        Ok(settings)
    }

    /// The profile of some settings: every field written, targets and weights where they differ
    /// from the defaults.
    pub fn of(settings: &Settings) -> Profile {
        let [critical, high, medium, low] = settings.sla_days;
        Profile {
            schema: Some(SCHEMA.into()),
            targets: settings.targets.clone(),
            weights: settings.weights.clone(),
            sla_days: Some(SlaDays {
                critical,
                high,
                medium,
                low,
            }),
            sla_at_risk_percent: Some(settings.sla_margin_pct),
            gate_severity: Some(settings.gate.as_str().into()),
            runtime_alert_priority: Some(settings.alert_priority.as_str().into()),
            expected_sources: Some(
                settings
                    .expected_sources
                    .iter()
                    .map(|k| k.id().to_string())
                    .collect(),
            ),
            role_assumptions_per_day: Some(settings.role_assumptions_per_day),
            stale_after_days: Some(settings.stale_after_days),
            missing_kpis: Some(
                if settings.missing_kpis_unmet {
                    "unmet"
                } else {
                    "leave_out"
                }
                .into(),
            ),
            assets: settings
                .assets
                .iter()
                .map(|(asset, label)| {
                    let profile = AssetProfile {
                        name: label.name.clone(),
                        group: label.group.clone(),
                    };
                    (asset.clone(), profile)
                })
                .collect(),
        }
    }
}

fn known_kpi(id: &str, field: &str) -> Result<(), String> {
    match kpi::by_id(id) {
        Some(_) => Ok(()),
        None => Err(format!("{field}: \"{id}\" is not a KPI id")),
    }
}

fn finite(value: f64, field: &str) -> Result<(), String> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(format!("{field} must be a number"))
    }
}

fn severity(word: &str, field: &str) -> Result<Severity, String> {
    match Severity::from_id(&word.to_lowercase()) {
        Some(s) if !matches!(s, Severity::Unknown) => Ok(s),
        _ => Err(format!(
            "{field} must be one of critical, high, medium, low, info (got \"{word}\")"
        )),
    }
}

/// A KPI's default target as a number, when it has a fixed one.
pub fn default_target(def: &kpi::KpiDef, settings: &Settings) -> Option<f64> {
    match def.default_target {
        DefaultTarget::Value(v) => Some(v),
        DefaultTarget::CriticalSla => Some(settings.sla_days[0]),
        DefaultTarget::PreviousPeriod => None,
    }
}

/// An asset's name or group: trimmed; nothing when empty; at most [`MAX_LABEL`] characters.
fn text_field(value: &Option<String>, asset: &str, what: &str) -> Result<Option<String>, String> {
    let Some(text) = value.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_LABEL || text.chars().any(char::is_control) {
        return Err(format!(
            "assets.\"{asset}\".{what} must be one line of at most {MAX_LABEL} characters"
        ));
    }
    Ok(Some(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_round_trips() {
        let mut settings = Settings {
            sla_days: [14.0, 45.0, 90.0, 365.0],
            sla_margin_pct: 10.0,
            gate: Severity::Critical,
            ..Settings::default()
        };
        settings.targets.insert("critical_open".into(), 2.0);
        settings.weights.insert("mttd".into(), 3.0);
        let text = serde_json::to_string(&Profile::of(&settings)).unwrap();
        assert_eq!(Profile::parse(&text), Ok(settings));
    }

    #[test]
    fn a_partial_profile_keeps_the_other_defaults() {
        let settings =
            Profile::parse(r#"{"sla_days":{"critical":3,"high":14,"medium":60,"low":120}}"#)
                .unwrap();
        assert_eq!(settings.sla_days, [3.0, 14.0, 60.0, 120.0]);
        assert_eq!(settings.gate, Settings::default().gate);
    }

    #[test]
    fn a_wrong_profile_says_precisely_what() {
        for (text, message) in [
            (
                "{",
                "not a Posture profile: EOF while parsing an object at line 1 column 1",
            ),
            (
                r#"{"targets":{"nope":1}}"#,
                "targets: \"nope\" is not a KPI id",
            ),
            (
                r#"{"sla_days":{"critical":0,"high":1,"medium":1,"low":1}}"#,
                "sla_days.critical must be a number of days above 0 (got 0)",
            ),
            (
                r#"{"gate_severity":"severe"}"#,
                "gate_severity must be one of critical, high, medium, low, info (got \"severe\")",
            ),
            (
                r#"{"colour":"red"}"#,
                "not a Posture profile: unknown field `colour`",
            ),
            (
                r#"{"schema":"posture.profile.v9"}"#,
                "schema is \"posture.profile.v9\": this version of Posture reads \"posture.profile.v1\"",
            ),
            (
                r#"{"expected_sources":["email"]}"#,
                "expected_sources: \"email\" is not a source kind",
            ),
        ] {
            let error = Profile::parse(text).unwrap_err();
            assert!(error.starts_with(message), "{text}: {error}");
        }
    }
}
