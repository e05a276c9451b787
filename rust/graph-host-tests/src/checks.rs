//! Assertions both generated suites make about what a user sees.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::oracle::Refusal;
use crate::workbench::Outcome;

/// Exactly one error, of the InvalidArgument class, naming one of the places the oracle lists.
pub fn refused_with_place(outcome: &Outcome, refusals: &[Refusal]) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        outcome.errors.len(),
        1,
        "expected one error, got {:?}",
        outcome.errors
    );
    let error = &outcome.errors[0];
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
    Ok(())
}
