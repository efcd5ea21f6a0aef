//! Small argument checks shared by every aggregate: required and length-limited text,
//! list sizes, positive amounts. Limits come from the policy (SPEC D8).

use crate::error::DomainError;

pub(crate) fn required(field: &'static str, value: &str, max: usize) -> Result<(), DomainError> {
    if value.trim().is_empty() {
        return Err(DomainError::FieldRequired { field });
    }
    optional(field, value, max)
}

pub(crate) fn optional(field: &'static str, value: &str, max: usize) -> Result<(), DomainError> {
    let len = value.chars().count();
    if len > max {
        return Err(DomainError::FieldTooLong { field, len, max });
    }
    Ok(())
}

pub(crate) fn optional_opt(
    field: &'static str,
    value: Option<&String>,
    max: usize,
) -> Result<(), DomainError> {
    match value {
        Some(v) => optional(field, v, max),
        None => Ok(()),
    }
}

pub(crate) fn items<T>(field: &'static str, list: &[T], max: usize) -> Result<(), DomainError> {
    if list.len() > max {
        return Err(DomainError::TooManyItems {
            field,
            len: list.len(),
            max,
        });
    }
    Ok(())
}

pub(crate) fn non_empty<T>(field: &'static str, list: &[T]) -> Result<(), DomainError> {
    if list.is_empty() {
        return Err(DomainError::FieldRequired { field });
    }
    Ok(())
}

pub(crate) fn positive(field: &'static str, amount: u64) -> Result<(), DomainError> {
    if amount == 0 {
        return Err(DomainError::AmountNotPositive { field });
    }
    Ok(())
}
