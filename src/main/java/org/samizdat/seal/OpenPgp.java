package org.samizdat.seal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * The ciphertext format of sealed releases: an OpenPGP message (RFC 4880) encrypted with AES-256
 * under the key as a passphrase (a symmetric-key packet, iterated and salted SHA-256 S2K), with
 * an integrity-protected data packet (MDC) holding one binary literal packet, so that
 * {@code gpg --decrypt} opens it with nothing but the key. Chosen over age because gpg is on
 * nearly every machine already, and because Bouncy Castle, which the Shamir shares need anyway,
 * writes and reads it. The cipher runs on the JDK's own AES (hardware-accelerated).
 */
final class OpenPgp {
    /** S2K count byte 0: 1,024 bytes hashed. The passphrase is 256 random bits, so no stretching is needed. */
    private static final int S2K_COUNT = 0;
    private static final int BUFFER = 1 << 16;

    private OpenPgp() {
    }

    /**
     * An output stream whose bytes become the literal data of an encrypted message written to
     * {@code out}; closing it finishes the message (it does not close {@code out}).
     */
    static OutputStream encrypt(OutputStream out, String passphrase, String fileName, SecureRandom random) throws IOException {
        try {
            PGPEncryptedDataGenerator gen = new PGPEncryptedDataGenerator(new JcePGPDataEncryptorBuilder(
                    SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true).setSecureRandom(random));
            gen.addMethod(new JcePBEKeyEncryptionMethodGenerator(passphrase.toCharArray(),
                    new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA256), S2K_COUNT)
                    .setSecureRandom(random));
            OutputStream encrypted = gen.open(out, new byte[BUFFER]);
            PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
            OutputStream data = literal.open(encrypted, PGPLiteralData.BINARY, fileName, new Date(0), new byte[BUFFER]);
            return new java.io.FilterOutputStream(data) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    data.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    data.close();
                    literal.close();
                    encrypted.close();
                    gen.close();
                }
            };
        } catch (PGPException e) {
            throw new IOException("OpenPGP encryption could not start: " + e.getMessage(), e);
        }
    }

    /**
     * The literal data of an encrypted message read from {@code in}. The stream fails with an
     * {@link IOException} on a wrong passphrase, on any packet but one symmetric-key encrypted,
     * integrity-protected literal, and, at its end, when the integrity check (MDC) fails: callers
     * must read it to the end before trusting anything it gave.
     */
    static InputStream decrypt(InputStream in, String passphrase) throws IOException {
        try {
            JcaPGPObjectFactory outer = new JcaPGPObjectFactory(in);
            Object o = outer.nextObject();
            while (o instanceof PGPMarker) {
                o = outer.nextObject();
            }
            if (!(o instanceof PGPEncryptedDataList list) || list.size() != 1
                    || !(list.get(0) instanceof PGPPBEEncryptedData pbe)) {
                throw new IOException("the ciphertext is not one passphrase-encrypted OpenPGP message");
            }
            if (!pbe.isIntegrityProtected()) {
                throw new IOException("the ciphertext has no integrity protection (MDC); refused");
            }
            InputStream clear = pbe.getDataStream(new JcePBEDataDecryptorFactoryBuilder(
                    new JcaPGPDigestCalculatorProviderBuilder().build()).build(passphrase.toCharArray()));
            Object inner = new JcaPGPObjectFactory(clear).nextObject();
            if (!(inner instanceof PGPLiteralData literal)) {
                throw new IOException("the ciphertext holds " + (inner == null ? "nothing" : inner.getClass().getSimpleName())
                        + ", not one literal data packet");
            }
            InputStream data = literal.getInputStream();
            return new FilterInputStream(data) {
                private boolean verified;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b < 0) {
                        verify();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n < 0) {
                        verify();
                    }
                    return n;
                }

                private void verify() throws IOException {
                    if (verified) {
                        return;
                    }
                    try {
                        if (!pbe.verify()) {
                            throw new IOException("the ciphertext fails its integrity check (MDC): it was altered");
                        }
                    } catch (PGPException e) {
                        throw new IOException("the ciphertext's integrity check (MDC) cannot be read: " + e.getMessage(), e);
                    }
                    verified = true;
                }
            };
        } catch (PGPException e) {
            throw new IOException("the ciphertext cannot be decrypted with this key: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException("the ciphertext is not a well-formed OpenPGP message: " + e.getMessage(), e);
        }
    }
}
