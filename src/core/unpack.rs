//! Compressed and bundled inputs, as CI artifacts come: `.gz` (and `.tar.gz`), `.zip` and `.tar`.
//! Recognised by their magic bytes, not their names. Each member of an archive is then treated as
//! if it had been dropped alone.
//!
//! Small on purpose: gzip and the two ZIP methods CI tools write (stored, deflate) over
//! `miniz_oxide`'s inflate, a ZIP central-directory reader and a ustar reader. Sizes are bounded,
//! so an archive cannot make the worker run out of memory (a "zip bomb" gets an error).

use std::ops::Range;

use miniz_oxide::inflate::{self, TINFLStatus};

/// The most a single file may expand to. A wasm32 worker cannot address more than 4 GiB in all.
pub const MAX_EXPANDED: usize = 1536 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Plain,
    Gzip,
    Zip,
    Tar,
}

/// What the bytes are, by their magic.
pub fn container(bytes: &[u8]) -> Container {
    match bytes {
        [0x1f, 0x8b, ..] => Container::Gzip,
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Container::Zip,
        _ if bytes.len() >= 512 && &bytes[257..262] == b"ustar" => Container::Tar,
        _ => Container::Plain,
    }
}

/// A member of an archive: its path inside, and where and how its bytes are stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    /// The size once extracted, as the archive declares it.
    pub size: u64,
    data: Range<usize>,
    method: Method,
    crc: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Stored,
    Deflate,
}

/// What is wrong with an archive, in words for the Sources view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnpackError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, UnpackError> {
    Err(UnpackError(message.into()))
}

/// The uncompressed bytes of a gzip file (the first member of a multi-member stream).
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, UnpackError> {
    if bytes.len() < 18 {
        return fail("the gzip file is cut short");
    }
    if bytes[2] != 8 {
        return fail(format!(
            "gzip compression method {} is not deflate",
            bytes[2]
        ));
    }
    let flags = bytes[3];
    let mut at = 10;
    let skip_zero_terminated =
        |at: usize| bytes[at..].iter().position(|&b| b == 0).map(|n| at + n + 1);
    if flags & 4 != 0 {
        let Some(&[low, high]) = bytes.get(at..at + 2) else {
            return fail("the gzip header is cut short");
        };
        at += 2 + usize::from(u16::from_le_bytes([low, high]));
    }
    if flags & 8 != 0 {
        at = match skip_zero_terminated(at.min(bytes.len())) {
            Some(next) => next,
            None => return fail("the gzip header is cut short"),
        };
    }
    if flags & 16 != 0 {
        at = match skip_zero_terminated(at.min(bytes.len())) {
            Some(next) => next,
            None => return fail("the gzip header is cut short"),
        };
    }
    if flags & 2 != 0 {
        at += 2;
    }
    if at >= bytes.len() {
        return fail("the gzip file is cut short");
    }
    inflate_raw(&bytes[at..], MAX_EXPANDED)
}

/// The members of a ZIP archive (regular files only), from its central directory.
pub fn zip_members(bytes: &[u8]) -> Result<Vec<Member>, UnpackError> {
    let u16_at = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    // The end-of-central-directory record sits in the last 22 + 65535 bytes.
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let Some(end) = (search_from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(i) == Some(0x0605_4b50))
    else {
        return fail("this ZIP archive has no central directory (it may be cut short)");
    };
    let count = usize::from(u16_at(end + 10).unwrap_or(0));
    let Some(mut at) = u32_at(end + 16).map(|o| o as usize) else {
        return fail("the ZIP directory is unreadable");
    };
    if count == 0xffff || at == 0xffff_ffff_usize {
        return fail("ZIP64 archives (over 4 GB or 65,535 files) are not supported");
    }
    let mut members = Vec::new();
    for _ in 0..count {
        let entry = (|| {
            if u32_at(at)? != 0x0201_4b50 {
                return None;
            }
            let method = u16_at(at + 10)?;
            let crc = u32_at(at + 16)?;
            let compressed = u32_at(at + 20)? as usize;
            let size = u32_at(at + 24)?;
            let name_len = usize::from(u16_at(at + 28)?);
            let extra_len = usize::from(u16_at(at + 30)?);
            let comment_len = usize::from(u16_at(at + 32)?);
            let local = u32_at(at + 42)? as usize;
            let name =
                String::from_utf8_lossy(bytes.get(at + 46..at + 46 + name_len)?).into_owned();
            let next = at + 46 + name_len + extra_len + comment_len;
            // The data follows the local header, whose name and extra lengths may differ.
            let local_name = usize::from(u16_at(local + 26)?);
            let local_extra = usize::from(u16_at(local + 28)?);
            let start = local + 30 + local_name + local_extra;
            Some((
                next,
                name,
                method,
                crc,
                start..start.checked_add(compressed)?,
                u64::from(size),
            ))
        })();
        let Some((next, name, method, crc, data, size)) = entry else {
            return fail("the ZIP directory is damaged");
        };
        at = next;
        if name.ends_with('/') {
            continue;
        }
        let method = match method {
            0 => Method::Stored,
            8 => Method::Deflate,
            other => {
                return fail(format!(
                    "{name}: ZIP compression method {other} is not supported (only stored and deflate)"
                ));
            }
        };
        if data.end > bytes.len() {
            return fail(format!("{name}: the archive is cut short"));
        }
        members.push(Member {
            name,
            size,
            data,
            method,
            crc: Some(crc),
        });
    }
    Ok(members)
}

/// The members of a tar archive (regular files only).
pub fn tar_members(bytes: &[u8]) -> Result<Vec<Member>, UnpackError> {
    let mut members = Vec::new();
    let mut at = 0;
    let mut long_name: Option<String> = None;
    while at + 512 <= bytes.len() {
        let header = &bytes[at..at + 512];
        if header.iter().all(|&b| b == 0) {
            break;
        }
        let text = |range: Range<usize>| {
            let field = &header[range];
            let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
            String::from_utf8_lossy(&field[..end]).into_owned()
        };
        let octal = text(124..136);
        let Ok(size) = usize::from_str_radix(octal.trim(), 8) else {
            return fail(format!("the tar header at byte {at} is damaged"));
        };
        let Some(end) = (at + 512).checked_add(size) else {
            return fail(format!("the tar header at byte {at} is damaged"));
        };
        let data = at + 512..end;
        if data.end > bytes.len() {
            return fail("the tar archive is cut short");
        }
        let kind = header[156];
        let mut name = text(0..100);
        let prefix = text(345..500);
        if !prefix.is_empty() {
            name = format!("{prefix}/{name}");
        }
        match kind {
            b'L' => {
                long_name = Some(
                    String::from_utf8_lossy(&bytes[data.clone()])
                        .trim_end_matches('\0')
                        .to_string(),
                )
            }
            b'0' | 0 => members.push(Member {
                name: long_name.take().unwrap_or(name),
                size: size as u64,
                data: data.clone(),
                method: Method::Stored,
                crc: None,
            }),
            _ => long_name = None,
        }
        at = data.start + size.div_ceil(512) * 512;
    }
    Ok(members)
}

/// A member's bytes, extracted and checked.
pub fn extract(bytes: &[u8], member: &Member) -> Result<Vec<u8>, UnpackError> {
    let raw = &bytes[member.data.clone()];
    let out = match member.method {
        Method::Stored => raw.to_vec(),
        Method::Deflate => {
            let limit = usize::try_from(member.size)
                .unwrap_or(usize::MAX)
                .min(MAX_EXPANDED);
            inflate_raw(raw, limit)?
        }
    };
    if out.len() as u64 != member.size {
        return fail(format!(
            "{}: {} bytes extracted, {} declared",
            member.name,
            out.len(),
            member.size
        ));
    }
    if let Some(expected) = member.crc
        && crc32(&out) != expected
    {
        return fail(format!(
            "{}: the checksum does not match; the archive is damaged",
            member.name
        ));
    }
    Ok(out)
}

fn inflate_raw(data: &[u8], limit: usize) -> Result<Vec<u8>, UnpackError> {
    inflate::decompress_to_vec_with_limit(data, limit).map_err(|e| {
        UnpackError(match e.status {
            TINFLStatus::FailedCannotMakeProgress => {
                "the compressed data ends early; the file looks truncated".into()
            }
            TINFLStatus::HasMoreOutput => {
                format!(
                    "it expands beyond {} MB; Posture stops there",
                    limit / 1_000_000
                )
            }
            _ => "the compressed data is damaged".into(),
        })
    })
}

/// CRC-32 (IEEE), as ZIP stores it.
fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        std::array::from_fn(|n| {
            (0..8).fold(n as u32, |c, _| {
                if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
    });
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_of_a_known_string() {
        // `printf 123456789 | gzip -c | tail -c8 | head -c4 | xxd` → 2639f4cb (little-endian)
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn magic_bytes_decide() {
        assert_eq!(container(b"\x1f\x8b\x08\x00"), Container::Gzip);
        assert_eq!(container(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(container(b"PK\x05\x06"), Container::Zip);
        assert_eq!(container(b"{\"a\":1}"), Container::Plain);
    }
}
