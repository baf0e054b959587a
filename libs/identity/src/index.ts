export { IDENTITY_HEADER, signIdentity, verifyIdentity, type Identity } from './identity-token';
export {
  createAccessTokenVerifier,
  signAccessToken,
  verifyAccessToken,
  type AccessClaims,
  type AccessTokenSettings,
  type AccessTokenVerifier,
  type VerifierSettings,
} from './access-token';
