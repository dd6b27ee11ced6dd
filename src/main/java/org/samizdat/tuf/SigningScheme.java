package org.samizdat.tuf;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.samizdat.archive.Hex;

/**
 * The signing schemes a TUF client meets in other publishers' metadata (securesystemslib's key
 * formats): {@code ed25519} with a hex public key, {@code ecdsa-sha2-nistp256}/{@code -nistp384}
 * and {@code rsassa-pss-sha256/384/512}/{@code rsa-pkcs1v15-sha256} with a PEM SubjectPublicKeyInfo, all
 * verified by the JDK's own providers. Signatures are hex; ECDSA signatures are DER.
 */
public enum SigningScheme {
    ED25519("ed25519", "ed25519"),
    ECDSA_P256("ecdsa", "ecdsa-sha2-nistp256"),
    ECDSA_P384("ecdsa", "ecdsa-sha2-nistp384"),
    RSA_PSS_SHA256("rsa", "rsassa-pss-sha256"),
    RSA_PSS_SHA384("rsa", "rsassa-pss-sha384"),
    RSA_PSS_SHA512("rsa", "rsassa-pss-sha512"),
    RSA_PKCS1_SHA256("rsa", "rsa-pkcs1v15-sha256");

    private final String keytype;
    private final String scheme;

    SigningScheme(String keytype, String scheme) {
        this.keytype = keytype;
        this.scheme = scheme;
    }

    public String keytype() {
        return keytype;
    }

    public String scheme() {
        return scheme;
    }

    /** The scheme of a key object; ECDSA keys may also carry the scheme as their keytype (older securesystemslib). */
    public static Optional<SigningScheme> of(String keytype, String scheme) {
        for (SigningScheme s : values()) {
            if (s.scheme.equals(scheme) && (s.keytype.equals(keytype) || (s.keytype.equals("ecdsa") && keytype.equals(scheme)))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** True only for a valid signature; malformed keys or signatures are simply invalid. */
    public boolean verify(String publicValue, byte[] message, String sigHex) {
        if (sigHex == null || !sigHex.matches("[0-9a-fA-F]*") || sigHex.length() % 2 != 0 || sigHex.isEmpty()) {
            return false;
        }
        byte[] sig = Hex.decode(sigHex.toLowerCase(java.util.Locale.ROOT));
        try {
            return switch (this) {
                case ED25519 -> publicValue.startsWith("-----BEGIN") ? jca(publicValue, "Ed25519", "Ed25519", message, sig)
                        : Hex.isLowerHex(publicValue, 64) && Ed25519.verify(Hex.decode(publicValue), message, sig);
                case ECDSA_P256 -> ecdsa(publicValue, 256, "SHA256withECDSA", message, sig);
                case ECDSA_P384 -> ecdsa(publicValue, 384, "SHA384withECDSA", message, sig);
                case RSA_PSS_SHA256 -> rsaPss(publicValue, "SHA-256", MGF1ParameterSpec.SHA256, 32, message, sig);
                case RSA_PSS_SHA384 -> rsaPss(publicValue, "SHA-384", MGF1ParameterSpec.SHA384, 48, message, sig);
                case RSA_PSS_SHA512 -> rsaPss(publicValue, "SHA-512", MGF1ParameterSpec.SHA512, 64, message, sig);
                case RSA_PKCS1_SHA256 -> rsa(publicValue, "SHA256withRSA", null, message, sig);
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean ecdsa(String pem, int bits, String algorithm, byte[] message, byte[] sig)
            throws GeneralSecurityException {
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(pem(pem)));
        // The scheme names the curve: a key on another curve does not verify under it.
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != bits) {
            return false;
        }
        Signature s = Signature.getInstance(algorithm);
        s.initVerify(key);
        s.update(message);
        return s.verify(sig);
    }

    private static boolean jca(String pem, String keyAlgorithm, String algorithm, byte[] message, byte[] sig)
            throws GeneralSecurityException {
        Signature s = Signature.getInstance(algorithm);
        s.initVerify(KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(pem(pem))));
        s.update(message);
        return s.verify(sig);
    }

    private static boolean rsaPss(String pem, String digest, MGF1ParameterSpec mgf, int digestLength, byte[] message, byte[] sig)
            throws GeneralSecurityException {
        RSAPublicKey key = rsaKey(pem);
        // securesystemslib signs with a salt as long as the digest and verifies with any salt length
        // (PSS.AUTO); the JDK needs the length named, so the two lengths signers use are tried.
        int emLen = (key.getModulus().bitLength() + 6) / 8;
        for (int salt : new int[] {digestLength, emLen - digestLength - 2}) {
            if (salt >= 0 && rsa(pem, "RSASSA-PSS", new PSSParameterSpec(digest, "MGF1", mgf, salt, 1), message, sig)) {
                return true;
            }
        }
        return false;
    }

    private static RSAPublicKey rsaKey(String pem) throws GeneralSecurityException {
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(pem(pem)));
        if (!(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < 2048
                || rsa.getPublicExponent().compareTo(BigInteger.valueOf(3)) < 0) {
            throw new GeneralSecurityException("RSA keys must have at least 2048 bits");
        }
        return rsa;
    }

    private static boolean rsa(String pem, String algorithm, PSSParameterSpec pss, byte[] message, byte[] sig)
            throws GeneralSecurityException {
        RSAPublicKey key = rsaKey(pem);
        Signature s = Signature.getInstance(algorithm);
        if (pss != null) {
            s.setParameter(pss);
        }
        s.initVerify(key);
        s.update(message);
        return s.verify(sig);
    }

    /** The DER bytes of a PEM "PUBLIC KEY" block. */
    static byte[] pem(String pem) {
        String body = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        if (body.isEmpty() || body.contains("-")) {
            throw new IllegalArgumentException("not a PEM public key");
        }
        return Base64.getDecoder().decode(body);
    }
}
