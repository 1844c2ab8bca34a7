//! Readable names from ASFF identifiers: standards, products, images; and ASFF's severity score.

use crate::core::model::Severity;

/// A standard's readable name and version. Security Hub writes
/// `[arn:aws:securityhub:…:]standards/<slug>/v/<version>` (or `ruleset/…` for CIS 1.2.0);
/// Prowler writes its own ids (`CIS-1.5`, `PCI-3.2.1`, `ENS-RD2022`). Known slugs and prefixes
/// get their usual names; any other is shown as written.
pub fn framework(id: &str) -> String {
    const SLUGS: [(&str, &str); 7] = [
        (
            "aws-foundational-security-best-practices",
            "AWS Foundational Security Best Practices",
        ),
        ("cis-aws-foundations-benchmark", "CIS AWS Foundations"),
        ("pci-dss", "PCI DSS"),
        ("nist-800-53", "NIST SP 800-53"),
        ("nist-800-171", "NIST SP 800-171"),
        (
            "aws-resource-tagging-standard",
            "AWS Resource Tagging Standard",
        ),
        ("service-managed-aws-control-tower", "AWS Control Tower"),
    ];
    const PROWLER: [(&str, &str); 2] = [("CIS-", "CIS AWS Foundations "), ("PCI-", "PCI DSS ")];
    if id.eq_ignore_ascii_case("AWS-Foundational-Security-Best-Practices") {
        return SLUGS[0].1.to_string();
    }
    let path = id.rsplit_once("::").map_or(id, |(_, path)| path);
    let rest = path
        .strip_prefix("standards/")
        .or_else(|| path.strip_prefix("ruleset/"));
    if let Some(rest) = rest {
        let (slug, version) = rest.split_once("/v/").unwrap_or((rest, ""));
        let name = SLUGS
            .iter()
            .find(|(s, _)| *s == slug)
            .map_or(slug, |(_, name)| name);
        return if version.is_empty() {
            name.to_string()
        } else {
            format!("{name} {version}")
        };
    }
    for (prefix, name) in PROWLER {
        if let Some(version) = id.strip_prefix(prefix)
            && version.starts_with(|c: char| c.is_ascii_digit())
        {
            return format!("{name}{version}");
        }
    }
    id.to_string()
}

/// `arn:aws:securityhub:<region>::product/<company>/<product>` → the product, as written.
pub fn product_of_arn(arn: &str) -> Option<&str> {
    let (_, path) = arn.split_once(":product/")?;
    path.rsplit('/').next().filter(|p| !p.is_empty())
}

/// An ECR image ARN (`arn:aws:ecr:<region>:<account>:repository/<name>/sha256:<digest>`) as the
/// reference that pulls it, `<account>.dkr.ecr.<region>.amazonaws.com/<name>`: what Trivy or
/// Grype scanning the same image would name it.
pub fn ecr_image(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("ecr"), Some(region), Some(account), Some(path)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let repository = path.strip_prefix("repository/")?;
    let repository = repository
        .rsplit_once("/sha256")
        .map_or(repository, |(name, _)| name);
    let suffix = if partition == "aws-cn" { ".cn" } else { "" };
    Some(format!(
        "{account}.dkr.ecr.{region}.amazonaws.com{suffix}/{repository}"
    ))
}

/// Trivy's ASFF names a container by its scan target, `<artifact> (<os> <version>)`: the
/// artifact, as Trivy's JSON names it.
pub fn without_os(target: &str) -> &str {
    match target.rfind(" (") {
        Some(i) if target.ends_with(')') => &target[..i],
        _ => target,
    }
}

/// ASFF's `Severity.Normalized` bands, as Security Hub documents them.
pub fn severity_of_normalized(n: f64) -> Severity {
    match n {
        n if n >= 90.0 => Severity::Critical,
        n if n >= 70.0 => Severity::High,
        n if n >= 40.0 => Severity::Medium,
        n if n >= 1.0 => Severity::Low,
        n if n >= 0.0 => Severity::Info,
        _ => Severity::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standards_have_readable_names() {
        for (id, name) in [
            (
                "arn:aws:securityhub:::standards/pci-dss/v/3.2.1",
                "PCI DSS 3.2.1",
            ),
            (
                "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
                "CIS AWS Foundations 1.2.0",
            ),
            (
                "standards/aws-foundational-security-best-practices/v/1.0.0",
                "AWS Foundational Security Best Practices 1.0.0",
            ),
            ("standards/something-new/v/2", "something-new 2"),
            ("CIS-1.5", "CIS AWS Foundations 1.5"),
            ("PCI-3.2.1", "PCI DSS 3.2.1"),
            ("ENS-RD2022", "ENS-RD2022"),
            ("CISA", "CISA"),
        ] {
            assert_eq!(framework(id), name, "{id}");
        }
    }

    #[test]
    fn ecr_images_are_named_as_pulled() {
        assert_eq!(
            ecr_image("arn:aws:ecr:eu-central-1:123456789012:repository/team/api/sha256:af96")
                .as_deref(),
            Some("123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/api")
        );
        assert_eq!(ecr_image("arn:aws:s3:::bucket"), None);
        assert_eq!(without_os("img.tar.gz (alpine 3.10.2)"), "img.tar.gz");
        assert_eq!(
            product_of_arn("arn:aws:securityhub:eu-central-1::product/aws/inspector"),
            Some("inspector")
        );
    }
}
