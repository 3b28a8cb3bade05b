//! A verdict's findings under a cap: the first `FINDINGS_PER_CODE` of each code are kept with
//! their pointers and messages, the rest only counted per code. A reply with ten thousand bad
//! entries says so in a few kilobytes, however much the app sends.

use std::collections::{BTreeMap, HashMap};

use super::verdict::Finding;

/// Findings of one code kept in full; past this only the count grows.
pub const FINDINGS_PER_CODE: usize = 20;

#[derive(Debug, Default)]
pub struct CappedFindings {
    kept: Vec<Finding>,
    per_code: HashMap<String, usize>,
    omitted: BTreeMap<String, u64>,
}

impl CappedFindings {
    pub fn push(&mut self, finding: Finding) {
        let seen = self.per_code.entry(finding.code.clone()).or_default();
        *seen += 1;
        if *seen <= FINDINGS_PER_CODE {
            self.kept.push(finding);
        } else {
            *self.omitted.entry(finding.code).or_default() += 1;
        }
    }

    /// The kept findings, in the order they were found, and how many of each code were left out.
    pub fn into_parts(self) -> (Vec<Finding>, BTreeMap<String, u64>) {
        (self.kept, self.omitted)
    }
}

impl Extend<Finding> for CappedFindings {
    fn extend<I: IntoIterator<Item = Finding>>(&mut self, findings: I) {
        for finding in findings {
            self.push(finding);
        }
    }
}

/// `findings` worst first (errors, warnings, then infos), each severity in its own order: what a
/// person must fix comes before what only explains.
pub fn worst_first(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    // A stable sort keeps each severity's findings in the order they were found.
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_first_keeps_the_order_within_a_severity() {
        let findings = [
            Finding::info("i1", "", ""),
            Finding::warning("w1", "", ""),
            Finding::error("e1", "", ""),
            Finding::info("i2", "", ""),
            Finding::error("e2", "", ""),
            Finding::warning("w2", "", ""),
        ];
        let codes: Vec<&str> = worst_first(&findings)
            .iter()
            .map(|f| f.code.as_str())
            .collect();
        assert_eq!(codes, ["e1", "e2", "w1", "w2", "i1", "i2"]);
    }

    #[test]
    fn keeps_the_first_of_each_code_and_counts_the_rest() {
        let mut findings = CappedFindings::default();
        for index in 0..50 {
            findings.push(Finding::error("e164-syntax", format!("/{index}"), "bad"));
        }
        findings.push(Finding::warning("empty-list", "", "empty"));
        let (kept, omitted) = findings.into_parts();
        assert_eq!(kept.len(), FINDINGS_PER_CODE + 1);
        assert_eq!(kept[0].pointer, "/0");
        assert_eq!(kept.last().unwrap().code, "empty-list");
        assert_eq!(omitted.get("e164-syntax"), Some(&30));
        assert_eq!(omitted.len(), 1);
    }
}
