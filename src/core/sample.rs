//! The built-in sample set behind "Try with sample data": Posture's own demo files, made up but
//! shaped exactly like the tools' output. Two scans of one image a month apart show history at
//! work (fixed vulnerabilities, time to remediate, SLA adherence).

pub static FILES: &[(&str, &[u8])] = &[
    (
        "sample/payments-api-image-2026-10-12.json",
        include_bytes!("sample/payments-api-image-2026-10-12.json"),
    ),
    (
        "sample/payments-api-image-2026-11-18.json",
        include_bytes!("sample/payments-api-image-2026-11-18.json"),
    ),
    (
        "sample/web-frontend-image-2026-11-18.json",
        include_bytes!("sample/web-frontend-image-2026-11-18.json"),
    ),
    (
        "sample/infra-config-2026-11-18.json",
        include_bytes!("sample/infra-config-2026-11-18.json"),
    ),
    (
        "sample/payments-api-secrets-2026-10-12.json",
        include_bytes!("sample/payments-api-secrets-2026-10-12.json"),
    ),
    (
        "sample/payments-api-secrets-2026-11-18.json",
        include_bytes!("sample/payments-api-secrets-2026-11-18.json"),
    ),
];
