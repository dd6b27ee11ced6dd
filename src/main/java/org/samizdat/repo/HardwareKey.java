package org.samizdat.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.samizdat.archive.Hex;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.Signer;

/**
 * An offline key held in a PKCS#11 token (a smart card, an HSM, SoftHSM2), used through the
 * JDK's SunPKCS11 provider: the private key never leaves the token. The JDK's PKCS#11 provider
 * signs ECDSA but not Ed25519, so a token key is an {@code ecdsa-sha2-nistp256} key, which every
 * TUF client verifies. A key is found by its alias, as {@code keytool -genkeypair -storetype
 * PKCS11} makes it (with the self-signed certificate the provider needs to list it).
 */
public final class HardwareKey implements Signer {
    private final Provider provider;
    private final String alias;
    private final PrivateKey privateKey;
    private final Key key;

    private HardwareKey(Provider provider, String alias, PrivateKey privateKey, Key key) {
        this.provider = provider;
        this.alias = alias;
        this.privateKey = privateKey;
        this.key = key;
    }

    /** Every P-256 signing key in the token that {@code config} (a SunPKCS11 configuration file) names. */
    public static List<HardwareKey> open(Path config, char[] pin) throws IOException {
        if (!Files.isRegularFile(config)) {
            throw new IOException("no PKCS#11 configuration at " + config);
        }
        try {
            Provider p = Security.getProvider("SunPKCS11").configure(config.toAbsolutePath().toString());
            KeyStore store = KeyStore.getInstance("PKCS11", p);
            store.load(null, pin);
            List<HardwareKey> keys = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias) || store.getCertificate(alias) == null) {
                    continue;
                }
                PublicKey pub = store.getCertificate(alias).getPublicKey();
                if (!(pub instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                    continue; // only P-256 keys sign TUF metadata here
                }
                keys.add(new HardwareKey(p, alias, (PrivateKey) store.getKey(alias, null), publicKey(pub)));
            }
            keys.sort(java.util.Comparator.comparing(HardwareKey::alias));
            return keys;
        } catch (GeneralSecurityException | java.security.ProviderException e) {
            throw new IOException("cannot open the PKCS#11 token of " + config + ": " + e.getMessage(), e);
        }
    }

    /** The TUF key object of an EC public key: keytype ecdsa, its scheme, the public key as PEM. */
    static Key publicKey(PublicKey pub) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pub.getEncoded());
        return new Key("ecdsa", "ecdsa-sha2-nistp256", "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
    }

    public String alias() {
        return alias;
    }

    @Override
    public Key key() {
        return key;
    }

    /** A DER-encoded ECDSA signature over SHA-256, made in the token. */
    @Override
    public String signHex(byte[] message) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA", provider);
            s.initSign(privateKey);
            s.update(message);
            return Hex.encode(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the token did not sign with " + alias + ": " + e.getMessage(), e);
        }
    }
}
