export {
  Conflict,
  DomainError,
  Forbidden,
  InvalidInput,
  NotFound,
  QuotaExceeded,
  TooLarge,
  Unavailable,
  isDomainError,
  type DomainErrorKind,
  type FieldError,
} from './domain-errors.js';
