//! The Settings view as data: every field with its value as text, and one edit from the form
//! applied to a profile. The page renders the fields as they come and sends back the text typed;
//! reading numbers and checking them is done here, so a wrong value gets the same precise message
//! as in an imported profile, and the page holds no settings logic.

use super::kpi::{self, Direction};
use super::model::{Severity, SourceKind};
use super::profile::{self, Profile, SlaDays};
use super::protocol::{FieldInput, KpiSetting, SettingField, SettingsGroup};
use super::settings::Settings;

const SLA: [(&str, &str); 4] = [
    ("critical", "Critical"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
];

const SEVERITIES: [(Severity, &str); 5] = [
    (Severity::Critical, "Critical"),
    (Severity::High, "High"),
    (Severity::Medium, "Medium"),
    (Severity::Low, "Low"),
    (Severity::Info, "Info"),
];

/// A number as a person types it: `60`, `0.5`.
fn text(value: f64) -> String {
    format!("{value}")
}

fn number_field(id: String, label: String, value: String) -> SettingField {
    SettingField {
        id,
        label,
        value,
        input: FieldInput::Number { placeholder: None },
    }
}

fn severity_field(id: &str, label: &str, current: Severity) -> SettingField {
    SettingField {
        id: id.into(),
        label: label.into(),
        value: current.as_str().into(),
        input: FieldInput::Choice(
            SEVERITIES
                .iter()
                .map(|(s, label)| (s.as_str().to_string(), label.to_string()))
                .collect(),
        ),
    }
}

/// The form's groups of fields, in the order shown.
pub fn groups(settings: &Settings) -> Vec<SettingsGroup> {
    let mut sla: Vec<SettingField> = SLA
        .iter()
        .zip(settings.sla_days)
        .map(|((id, label), days)| {
            number_field(format!("sla-{id}"), format!("{label} (days)"), text(days))
        })
        .collect();
    sla.push(number_field(
        "sla-margin".into(),
        "At risk when this share of the SLA is left (%)".into(),
        text(settings.sla_margin_pct),
    ));
    vec![
        SettingsGroup {
            title: "Vulnerability SLA".into(),
            note: None,
            fields: sla,
        },
        SettingsGroup {
            title: "Gates and thresholds".into(),
            note: None,
            fields: vec![
                severity_field("gate", "SAST/SCA gate: fail at or above", settings.gate),
                severity_field(
                    "priority",
                    "Runtime alerts counted as threats: at or above",
                    settings.alert_priority,
                ),
                SettingField {
                    id: "missing-kpis".into(),
                    label: "KPIs without data, in the score".into(),
                    value: if settings.missing_kpis_unmet {
                        "unmet"
                    } else {
                        "leave_out"
                    }
                    .into(),
                    input: FieldInput::Choice(vec![
                        ("leave_out".into(), "Left out".into()),
                        ("unmet".into(), "Count as unmet (0)".into()),
                    ]),
                },
                number_field(
                    "stale-days".into(),
                    "Evidence is stale after (days, for all data)".into(),
                    text(settings.stale_after_days),
                ),
                number_field(
                    "role-threshold".into(),
                    "Role assumptions per principal per day before flagging".into(),
                    settings.role_assumptions_per_day.to_string(),
                ),
            ],
        },
        SettingsGroup {
            title: "Expected sources".into(),
            note: Some("Log and source coverage counts the kinds ticked here.".into()),
            fields: SourceKind::ALL
                .iter()
                .map(|k| SettingField {
                    id: format!("source-{}", k.id()),
                    label: k.label().into(),
                    value: settings.expected_sources.contains(k).to_string(),
                    input: FieldInput::Check,
                })
                .collect(),
        },
    ]
}

/// A row per KPI: its target (empty when the default holds) and its weight in the score.
pub fn kpis(settings: &Settings) -> Vec<KpiSetting> {
    kpi::KPIS
        .iter()
        .map(|k| {
            let placeholder = profile::default_target(k, settings)
                .map_or("the previous period".to_string(), text);
            KpiSetting {
                id: k.id.into(),
                label: k.label.into(),
                unit: k.unit.symbol().into(),
                direction: match k.direction {
                    Direction::AtMost => "at most".into(),
                    Direction::AtLeast => "at least".into(),
                },
                target: SettingField {
                    id: format!("target-{}", k.id),
                    label: format!("Target for {}", k.label),
                    value: settings
                        .targets
                        .get(k.id)
                        .map(|t| text(*t))
                        .unwrap_or_default(),
                    input: FieldInput::Number {
                        placeholder: Some(placeholder),
                    },
                },
                weight: SettingField {
                    id: format!("weight-{}", k.id),
                    label: format!("Weight of {}", k.label),
                    value: text(settings.weight(k.id)),
                    input: FieldInput::Number { placeholder: None },
                },
            }
        })
        .collect()
}

/// A number typed in the field named `field` (the profile's own name for it, so messages
/// read alike whichever way a value came).
fn number(value: &str, field: &str) -> Result<f64, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{field} must be a number (got \"{}\")", value.trim()))
}

/// The profile of `settings` with one field of the form set to `value`. The profile is then
/// checked whole ([`Profile::settings`]), as an imported one is.
pub fn edit(settings: &Settings, id: &str, value: &str) -> Result<Profile, String> {
    let mut profile = Profile::of(settings);
    let [critical, high, medium, low] = settings.sla_days;
    let mut sla = SlaDays {
        critical,
        high,
        medium,
        low,
    };
    if let Some(severity) = id.strip_prefix("sla-")
        && let Some(slot) = match severity {
            "critical" => Some(&mut sla.critical),
            "high" => Some(&mut sla.high),
            "medium" => Some(&mut sla.medium),
            "low" => Some(&mut sla.low),
            _ => None,
        }
    {
        *slot = number(value, &format!("sla_days.{severity}"))?;
        profile.sla_days = Some(sla);
    } else if id == "sla-margin" {
        profile.sla_at_risk_percent = Some(number(value, "sla_at_risk_percent")?);
    } else if id == "gate" {
        profile.gate_severity = Some(value.into());
    } else if id == "priority" {
        profile.runtime_alert_priority = Some(value.into());
    } else if id == "missing-kpis" {
        profile.missing_kpis = Some(value.into());
    } else if id == "stale-days" {
        profile.stale_after_days = Some(number(value, "stale_after_days")?);
    } else if id == "role-threshold" {
        let n = value.trim().parse::<u64>().map_err(|_| {
            format!(
                "role_assumptions_per_day must be a whole number of 1 or more (got \"{}\")",
                value.trim()
            )
        })?;
        profile.role_assumptions_per_day = Some(n);
    } else if let Some(kpi) = id.strip_prefix("target-") {
        // Empty: back to the default target.
        if value.trim().is_empty() {
            profile.targets.remove(kpi);
        } else {
            let target = number(value, &format!("targets.{kpi}"))?;
            profile.targets.insert(kpi.into(), target);
        }
    } else if let Some(kpi) = id.strip_prefix("weight-") {
        let weight = if value.trim().is_empty() {
            1.0
        } else {
            number(value, &format!("weights.{kpi}"))?
        };
        if weight == 1.0 {
            profile.weights.remove(kpi);
        } else {
            profile.weights.insert(kpi.into(), weight);
        }
    } else if let Some(kind) = id.strip_prefix("source-") {
        let mut kinds = profile.expected_sources.take().unwrap_or_default();
        kinds.retain(|k| k != kind);
        if value == "true" {
            kinds.push(kind.into());
        }
        // The catalogue's order, whatever the order of the clicks.
        kinds.sort_by_key(|k| SourceKind::ALL.iter().position(|a| a.id() == k));
        profile.expected_sources = Some(kinds);
    } else {
        return Err(format!("\"{id}\" is not a setting"));
    }
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies one edit to the defaults, checked as the engine checks it.
    fn after(id: &str, value: &str) -> Result<Settings, String> {
        edit(&Settings::default(), id, value)?.settings()
    }

    #[test]
    fn each_field_edits_its_setting() {
        assert_eq!(
            after("sla-critical", "14").unwrap().sla_days,
            [14.0, 30.0, 90.0, 180.0]
        );
        assert_eq!(after("sla-margin", " 10 ").unwrap().sla_margin_pct, 10.0);
        assert_eq!(after("gate", "critical").unwrap().gate, Severity::Critical);
        assert_eq!(
            after("priority", "medium").unwrap().alert_priority,
            Severity::Medium
        );
        assert_eq!(
            after("role-threshold", "20")
                .unwrap()
                .role_assumptions_per_day,
            20
        );
        assert_eq!(after("stale-days", "14").unwrap().stale_after_days, 14.0);
        assert_eq!(
            after("target-critical_open", "3").unwrap().targets["critical_open"],
            3.0
        );
        assert_eq!(after("weight-mttd", "2.5").unwrap().weight("mttd"), 2.5);
        // A weight of 1 and an empty target are the defaults: nothing is kept for them.
        assert!(after("weight-mttd", "1").unwrap().weights.is_empty());
        let mut set = Settings::default();
        set.targets.insert("mttd".into(), 12.0);
        assert!(
            edit(&set, "target-mttd", "")
                .unwrap()
                .settings()
                .unwrap()
                .targets
                .is_empty()
        );
        let without = after("source-incidents", "false").unwrap();
        assert!(!without.expected_sources.contains(&SourceKind::Incidents));
        let back = edit(&without, "source-incidents", "true")
            .unwrap()
            .settings()
            .unwrap();
        assert_eq!(
            back.expected_sources,
            Settings::default().expected_sources,
            "catalogue order"
        );
    }

    #[test]
    fn a_wrong_value_says_what_and_changes_nothing() {
        for (id, value, message) in [
            (
                "sla-high",
                "abc",
                "sla_days.high must be a number (got \"abc\")",
            ),
            (
                "sla-high",
                "-5",
                "sla_days.high must be a number of days above 0 (got -5)",
            ),
            (
                "sla-margin",
                "120",
                "sla_at_risk_percent must be between 0 and 100 (got 120)",
            ),
            (
                "gate",
                "severe",
                "gate_severity must be one of critical, high, medium, low, info (got \"severe\")",
            ),
            (
                "role-threshold",
                "1.5",
                "role_assumptions_per_day must be a whole number of 1 or more (got \"1.5\")",
            ),
            (
                "role-threshold",
                "0",
                "role_assumptions_per_day must be 1 or more",
            ),
            ("target-nope", "1", "targets: \"nope\" is not a KPI id"),
            (
                "weight-mttd",
                "-1",
                "weights.mttd must be a number from 0 to 1000 (got -1)",
            ),
            (
                "source-email",
                "true",
                "expected_sources: \"email\" is not a source kind",
            ),
            ("colour", "red", "\"colour\" is not a setting"),
        ] {
            let error = after(id, value).unwrap_err();
            assert!(error.starts_with(message), "{id}={value}: {error}");
        }
    }

    #[test]
    fn the_form_shows_the_settings_in_force() {
        let mut settings = Settings {
            sla_days: [3.0, 14.0, 60.0, 120.5],
            ..Settings::default()
        };
        settings.targets.insert("critical_open".into(), 2.0);
        let groups = groups(&settings);
        let values: Vec<(&str, &str)> = groups[0]
            .fields
            .iter()
            .map(|f| (f.id.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("sla-critical", "3"),
                ("sla-high", "14"),
                ("sla-medium", "60"),
                ("sla-low", "120.5"),
                ("sla-margin", "25"),
            ]
        );
        let rows = kpis(&settings);
        let critical = rows.iter().find(|k| k.id == "critical_open").unwrap();
        assert_eq!(critical.target.value, "2");
        let mttd = rows.iter().find(|k| k.id == "mttd").unwrap();
        assert_eq!(mttd.target.value, "", "the default holds");
        assert!(
            matches!(&mttd.target.input, FieldInput::Number { placeholder: Some(p), .. } if p == "24")
        );
        assert_eq!(mttd.weight.value, "1");
    }
}
