//! Byte sizes on the command line: `67108864`, `64MiB`, `512KiB`, `1GiB` (also `K`, `M`, `G`,
//! `KB`, `MB`, `GB`, all binary multiples), so that `--journal-bytes` and `--max-fixture-bytes`
//! read as people write them.

/// `"64 MiB"` → `("64", " MiB")`: the leading digits and the rest (the unit).
pub(super) fn number_and_unit(text: &str) -> (&str, &str) {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(split)
}

/// Parses a size for clap's `value_parser`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (digits, unit) = number_and_unit(text);
    let number: usize = digits.parse().map_err(|_| {
        format!("{text:?} is not a size: write bytes, or a number with KiB, MiB or GiB")
    })?;
    let multiple: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown unit {other:?}: use KiB, MiB or GiB")),
    };
    number
        .checked_mul(multiple)
        .filter(|bytes| *bytes > 0)
        .ok_or_else(|| format!("{text:?} must be more than 0 and fit in memory"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("512 KiB"), Ok(512 << 10));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}
