export { IDENTITY_HEADER, signIdentity, verifyIdentity, type Identity } from './identity-token';
export { signAccessToken, verifyAccessToken, type AccessClaims, type AccessTokenSettings } from './access-token';
