/** Credentials by reference: an existing Secret, an ExternalSecret or an InfisicalSecret. */
export { SecretReference, type ExistingSecretSource, type ExternalSecretSource, type InfisicalSecretSource, type SecretReferenceProps, type SecretSource } from './secret-reference.js';
