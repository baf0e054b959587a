export { IDENTITY_HEADER, signIdentity, verifyIdentity, type Identity } from './identity-token';
export {
  createAccessTokenVerifier,
  signAccessToken,
  type AccessClaims,
  type AccessTokenSettings,
  type AccessTokenVerifier,
  type VerifierSettings,
} from './access-token';
