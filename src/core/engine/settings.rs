//! The engine's settings: edited field by field, imported as a profile, the organisation's,
//! reset, exported; and the names and groups of assets, which are settings too.

use super::{Engine, ORGANISATION};
use crate::core::profile::Profile;
use crate::core::protocol::{ProfileOrigin, Response, SettingsView};
use crate::core::settings::Settings;
use crate::core::settings_form;
use crate::core::time::Timestamp;

impl Engine {
    /// An asset's name and group, as typed: checked as a profile's are.
    pub(super) fn label_asset(
        &mut self,
        asset: String,
        name: String,
        group: String,
        now: Timestamp,
    ) -> Vec<Response> {
        let mut settings = self.settings.clone();
        let label = settings.assets.entry(asset.clone()).or_default();
        label.name = Some(name.trim().to_string()).filter(|n| !n.is_empty());
        label.group = Some(group.trim().to_string()).filter(|g| !g.is_empty());
        // Checked as a profile's are: one line, not too long.
        let result = Profile::of(&settings).settings();
        self.own_settings |= result.is_ok();
        self.apply_settings(result, "Your settings, kept in this browser", true, now)
    }

    pub(super) fn edit_setting(&mut self, id: &str, value: &str, now: Timestamp) -> Vec<Response> {
        let result =
            settings_form::edit(&self.settings, id, value).and_then(|profile| profile.settings());
        self.own_settings |= result.is_ok();
        self.apply_settings(result, "Your settings, kept in this browser", true, now)
    }

    pub(super) fn import_profile(
        &mut self,
        text: &str,
        origin: ProfileOrigin,
        now: Timestamp,
    ) -> Vec<Response> {
        let result = Profile::parse(text);
        match origin {
            ProfileOrigin::Imported => {
                self.own_settings |= result.is_ok();
                self.apply_settings(result, "Imported profile, kept in this browser", true, now)
            }
            ProfileOrigin::Saved => {
                self.own_settings = result.is_ok();
                let result = result.map_err(|e| {
                    self.saved_refused = Some(e.clone());
                    format!("the settings saved in this browser cannot be used: {e}")
                });
                self.apply_settings(result, "Your settings, kept in this browser", false, now)
            }
            ProfileOrigin::Organisation => match result {
                Ok(settings) if self.own_settings => {
                    self.organisation = Some(settings);
                    self.settings_origin = "Your settings, kept in this browser; \
                        an organisation profile (posture.profile.json) is available: \
                        Reset returns to it"
                        .into();
                    vec![self.settings_response(false, None), Response::Idle]
                }
                Ok(settings) => {
                    self.organisation = Some(settings.clone());
                    let origin = match &self.saved_refused {
                        Some(e) => format!(
                            "{ORGANISATION}; the settings saved in this browser could \
                             not be used ({e})"
                        ),
                        None => ORGANISATION.into(),
                    };
                    self.apply_settings(Ok(settings), &origin, false, now)
                }
                Err(e) => vec![
                    self.settings_response(
                        false,
                        Some(format!("posture.profile.json beside this page: {e}")),
                    ),
                    Response::Idle,
                ],
            },
        }
    }

    /// Back to the organisation's profile when one was given, else the defaults.
    pub(super) fn reset_settings(&mut self, now: Timestamp) -> Vec<Response> {
        self.own_settings = false;
        self.saved_refused = None;
        let (settings, origin) = match &self.organisation {
            Some(o) => (o.clone(), ORGANISATION),
            None => (Settings::default(), "Defaults (SPEC §4)"),
        };
        self.apply_settings(Ok(settings), origin, false, now)
    }

    pub(super) fn export_profile(&self) -> Vec<Response> {
        vec![
            Response::Export {
                file_name: "posture.profile.json".into(),
                mime: "application/json".into(),
                content: serde_json::to_string_pretty(&Profile::of(&self.settings))
                    .unwrap_or_default(),
            },
            Response::Idle,
        ]
    }

    /// Applies settings when they are right (every number follows), or keeps the old ones and
    /// says why not.
    fn apply_settings(
        &mut self,
        result: Result<Settings, String>,
        origin: &str,
        save: bool,
        now: Timestamp,
    ) -> Vec<Response> {
        match result {
            Ok(settings) => {
                self.settings = settings;
                self.settings_origin = origin.into();
                self.changed();
                vec![
                    self.settings_response(save, None),
                    Response::View(Box::new(self.view(now))),
                    Response::Idle,
                ]
            }
            Err(error) => vec![self.settings_response(false, Some(error)), Response::Idle],
        }
    }

    /// What the Settings view shows.
    pub fn settings_response(&self, save: bool, error: Option<String>) -> Response {
        let settings = &self.settings;
        Response::Settings(Box::new(SettingsView {
            groups: settings_form::groups(settings),
            kpis: settings_form::kpis(settings),
            profile_json: serde_json::to_string(&Profile::of(settings)).unwrap_or_default(),
            origin_text: if self.settings_origin.is_empty() {
                "Defaults (SPEC §4)".into()
            } else {
                self.settings_origin.clone()
            },
            save,
            error,
        }))
    }
}
