//! Assertions both generated suites make about what a user sees.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::oracle::Refusal;
use crate::workbench::Outcome;

/// At least one error; each of the InvalidArgument class and naming one of the places the
/// oracle lists (the writer stops at its first problem; the validator reports each it finds).
pub fn refused_with_place(outcome: &Outcome, refusals: &[Refusal]) -> Result<(), TestCaseError> {
    prop_assert!(
        !outcome.errors.is_empty(),
        "expected an error naming one of {:?}",
        refusals
    );
    prop_assert!(
        outcome.output.is_empty(),
        "a refused call wrote output: {:?}",
        outcome.output
    );
    for error in &outcome.errors {
        prop_assert_eq!(&error.category, "InvalidArgument", "error {:?}", error);
        let message = error.message.to_lowercase();
        prop_assert!(
            refusals
                .iter()
                .any(|r| message.contains(&r.path.to_lowercase())
                    && message.contains(&r.says.to_lowercase())),
            "the error does not name any of {:?}: {}",
            refusals,
            error.message
        );
    }
    Ok(())
}
