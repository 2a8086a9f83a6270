// Independent cross-check of Yizheng's SM2/SM3/SM4 artifacts with BouncyCastle (Debian libbcprov-java).
// Reads one command per line on stdin, answers one line per command on stdout ("ok <hex…>" or
// "err <message>"), so a test suite pays for one JVM start however many cases it checks.
// All byte arguments are hex; "-" stands for an empty value.
import java.io.*;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.SecureRandom;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.agreement.SM2KeyExchange;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.*;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.crypto.util.*;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.encoders.Hex;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

public class BcCheck {
    static final X9ECParameters X9 = GMNamedCurves.getByName("sm2p256v1");
    static final ECDomainParameters DOMAIN =
        new ECNamedDomainParameters(GMObjectIdentifiers.sm2p256v1, X9.getCurve(), X9.getG(), X9.getN(), X9.getH());
    static final SecureRandom RANDOM = new SecureRandom();
    static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    static byte[] hex(String s) { return s.equals("-") ? new byte[0] : Hex.decode(s); }
    static String hex(byte[] b) { return b.length == 0 ? "-" : Hex.toHexString(b); }
    static ECPrivateKeyParameters priv(String d) { return new ECPrivateKeyParameters(new BigInteger(1, hex(d)), DOMAIN); }
    static ECPublicKeyParameters pub(String p) { return new ECPublicKeyParameters(DOMAIN.getCurve().decodePoint(hex(p)), DOMAIN); }
    static String pubHex(ECPublicKeyParameters k) { return hex(k.getQ().getEncoded(false)); }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            try {
                out.println("ok " + run(line.trim().split("\\s+")));
            } catch (Exception e) {
                out.println("err " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
    }

    static String run(String[] a) throws Exception {
        switch (a[0]) {
            case "sm2-sign": { // d id msg -> DER signature
                SM2Signer s = new SM2Signer();
                s.init(true, new ParametersWithID(new ParametersWithRandom(priv(a[1]), RANDOM), hex(a[2])));
                byte[] m = hex(a[3]);
                s.update(m, 0, m.length);
                return hex(s.generateSignature());
            }
            case "sm2-verify": { // pub id msg sig -> true|false
                SM2Signer s = new SM2Signer();
                s.init(false, new ParametersWithID(pub(a[1]), hex(a[2])));
                byte[] m = hex(a[3]);
                s.update(m, 0, m.length);
                return String.valueOf(s.verifySignature(hex(a[4])));
            }
            case "sm2-public": { // d -> 04||X||Y
                return pubHex(new ECPublicKeyParameters(DOMAIN.getG().multiply(priv(a[1]).getD()).normalize(), DOMAIN));
            }
            case "sm2-encrypt": { // pub mode msg -> ciphertext
                SM2Engine e = new SM2Engine(SM2Engine.Mode.valueOf(a[2]));
                e.init(true, new ParametersWithRandom(pub(a[1]), RANDOM));
                byte[] m = hex(a[3]);
                return hex(e.processBlock(m, 0, m.length));
            }
            case "sm2-decrypt": { // d mode ciphertext -> msg
                SM2Engine e = new SM2Engine(SM2Engine.Mode.valueOf(a[2]));
                e.init(false, priv(a[1]));
                byte[] c = hex(a[3]);
                return hex(e.processBlock(c, 0, c.length));
            }
            case "sm4-gcm-encrypt": // key iv aad plaintext -> ct||tag
            case "sm4-gcm-decrypt": { // key iv aad ct||tag -> plaintext
                boolean enc = a[0].endsWith("encrypt");
                GCMBlockCipher g = new GCMBlockCipher(new SM4Engine());
                g.init(enc, new AEADParameters(new KeyParameter(hex(a[1])), 128, hex(a[2]), hex(a[3])));
                byte[] input = hex(a[4]);
                byte[] output = new byte[g.getOutputSize(input.length)];
                int n = g.processBytes(input, 0, input.length, output, 0);
                n += g.doFinal(output, n);
                return hex(java.util.Arrays.copyOf(output, n));
            }
            case "pem-private": { // path -> d (reads PKCS#8 "PRIVATE KEY")
                try (PEMParser p = new PEMParser(new FileReader(a[1]))) {
                    Object o = p.readObject();
                    ECPrivateKeyParameters k = (ECPrivateKeyParameters) PrivateKeyFactory.createKey((PrivateKeyInfo) o);
                    if (!k.getParameters().getCurve().equals(DOMAIN.getCurve())) throw new IllegalStateException("not SM2");
                    return hex(org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, k.getD()));
                }
            }
            case "pem-public": { // path -> 04||X||Y (reads SubjectPublicKeyInfo "PUBLIC KEY")
                try (PEMParser p = new PEMParser(new FileReader(a[1]))) {
                    Object o = p.readObject();
                    ECPublicKeyParameters k = (ECPublicKeyParameters) PublicKeyFactory.createKey((SubjectPublicKeyInfo) o);
                    if (!k.getParameters().getCurve().equals(DOMAIN.getCurve())) throw new IllegalStateException("not SM2");
                    return pubHex(k);
                }
            }
            case "write-private": { // d path -> writes PKCS#8 PEM
                byte[] der = PrivateKeyInfoFactory.createPrivateKeyInfo(priv(a[1])).getEncoded();
                writePem("PRIVATE KEY", der, a[2]);
                return "written";
            }
            case "write-public": { // pub path -> writes SPKI PEM
                byte[] der = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub(a[1])).getEncoded();
                writePem("PUBLIC KEY", der, a[2]);
                return "written";
            }
            case "sm2-kx-responder": { // dB rB idB PA RA idA klenBytes -> K SB S2(=expected SA)
                SM2KeyExchange kx = new SM2KeyExchange();
                kx.init(new ParametersWithID(new SM2KeyExchangePrivateParameters(false, priv(a[1]), priv(a[2])), hex(a[3])));
                byte[][] r = kx.calculateKeyWithConfirmation(Integer.parseInt(a[7]) * 8, null,
                    new ParametersWithID(new SM2KeyExchangePublicParameters(pub(a[4]), pub(a[5])), hex(a[6])));
                return hex(r[0]) + " " + hex(r[1]) + " " + hex(r[2]);
            }
            case "sm2-kx-initiator": { // dA rA idA PB RB idB klenBytes SB -> K SA
                SM2KeyExchange kx = new SM2KeyExchange();
                kx.init(new ParametersWithID(new SM2KeyExchangePrivateParameters(true, priv(a[1]), priv(a[2])), hex(a[3])));
                byte[][] r = kx.calculateKeyWithConfirmation(Integer.parseInt(a[7]) * 8, hex(a[8]),
                    new ParametersWithID(new SM2KeyExchangePublicParameters(pub(a[4]), pub(a[5])), hex(a[6])));
                return hex(r[0]) + " " + hex(r[1]);
            }
            case "sm2-enveloped-key-open": { // recipient d, SM2EnvelopedKey DER -> d, its 04||X||Y (GM/T 0009 §7.4)
                org.bouncycastle.asn1.ASN1Sequence env = org.bouncycastle.asn1.ASN1Sequence.getInstance(hex(a[2]));
                if (env.size() != 4) throw new IllegalArgumentException("SM2EnvelopedKey must have 4 fields");
                String alg = org.bouncycastle.asn1.x509.AlgorithmIdentifier.getInstance(env.getObjectAt(0)).getAlgorithm().getId();
                if (!alg.equals("1.2.156.10197.1.104.1") && !alg.equals("1.2.156.10197.1.104"))
                    throw new IllegalArgumentException("symAlgID " + alg + " is not SM4-ECB");
                // SM2Cipher { x INTEGER, y INTEGER, HASH OCTET STRING, CipherText OCTET STRING }; BC's
                // SM2Engine reads raw 04||x||y||C3||C2, so lay it out that way.
                org.bouncycastle.asn1.ASN1Sequence c = org.bouncycastle.asn1.ASN1Sequence.getInstance(env.getObjectAt(1));
                byte[] c1c3c2 = org.bouncycastle.util.Arrays.concatenate(
                    new byte[] {4},
                    org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, org.bouncycastle.asn1.ASN1Integer.getInstance(c.getObjectAt(0)).getValue()),
                    org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, org.bouncycastle.asn1.ASN1Integer.getInstance(c.getObjectAt(1)).getValue()),
                    org.bouncycastle.util.Arrays.concatenate(
                        org.bouncycastle.asn1.ASN1OctetString.getInstance(c.getObjectAt(2)).getOctets(),
                        org.bouncycastle.asn1.ASN1OctetString.getInstance(c.getObjectAt(3)).getOctets()));
                SM2Engine e = new SM2Engine(SM2Engine.Mode.C1C3C2);
                e.init(false, priv(a[1]));
                byte[] sm4Key = e.processBlock(c1c3c2, 0, c1c3c2.length);
                byte[] carried = org.bouncycastle.asn1.ASN1BitString.getInstance(env.getObjectAt(2)).getOctets();
                byte[] encrypted = org.bouncycastle.asn1.ASN1BitString.getInstance(env.getObjectAt(3)).getOctets();
                if (encrypted.length != 32) throw new IllegalArgumentException("encrypted private key must be 32 bytes");
                SM4Engine sm4 = new SM4Engine(); // ECB, no padding: each 16-byte block on its own
                sm4.init(false, new KeyParameter(sm4Key));
                byte[] d = new byte[32];
                for (int off = 0; off < 32; off += 16) sm4.processBlock(encrypted, off, d, off);
                org.bouncycastle.math.ec.ECPoint q = DOMAIN.getG().multiply(new BigInteger(1, d)).normalize();
                if (!q.equals(DOMAIN.getCurve().decodePoint(carried)))
                    throw new IllegalStateException("the private key does not match the carried public key");
                return hex(d) + " " + hex(q.getEncoded(false));
            }
            case "cert-path": { // anchor DER, intermediates (comma-separated DER or -), target DER, time ms -> "valid <n>"
                // RFC 5280 PKIX path validation by BouncyCastle's own provider (SM3withSM2, default ID).
                java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509", BC);
                java.security.cert.X509Certificate anchor = (java.security.cert.X509Certificate) cf.generateCertificate(new ByteArrayInputStream(hex(a[1])));
                java.util.List<java.security.cert.X509Certificate> path = new java.util.ArrayList<>();
                path.add((java.security.cert.X509Certificate) cf.generateCertificate(new ByteArrayInputStream(hex(a[3]))));
                if (!a[2].equals("-")) {
                    String[] parts = a[2].split(",");
                    for (String part : parts) // the target's issuer first, up towards the anchor
                        path.add((java.security.cert.X509Certificate) cf.generateCertificate(new ByteArrayInputStream(hex(part))));
                }
                java.security.cert.PKIXParameters params = new java.security.cert.PKIXParameters(
                    java.util.Set.of(new java.security.cert.TrustAnchor(anchor, null)));
                params.setRevocationEnabled(false);
                params.setDate(new java.util.Date(Long.parseLong(a[4])));
                java.security.cert.CertPathValidator.getInstance("PKIX", BC).validate(cf.generateCertPath(path), params);
                return "valid " + path.size();
            }
            case "cert-path-crl": { // anchor DER, target DER, time ms, CRLs (comma-separated DER) -> "valid" (revocation checked)
                // PKIX with revocation on and the CRLs as the only source: BC matches the target's
                // cRLDistributionPoints with each CRL's issuingDistributionPoint (RFC 5280 §6.3.3)
                // and fails the path with "Certificate revocation …" for a revoked target.
                java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509", BC);
                java.security.cert.X509Certificate anchor = (java.security.cert.X509Certificate) cf.generateCertificate(new ByteArrayInputStream(hex(a[1])));
                java.security.cert.X509Certificate target = (java.security.cert.X509Certificate) cf.generateCertificate(new ByteArrayInputStream(hex(a[2])));
                java.util.List<java.security.cert.CRL> crls = new java.util.ArrayList<>();
                for (String part : a[4].split(","))
                    crls.add(cf.generateCRL(new ByteArrayInputStream(hex(part))));
                java.security.cert.PKIXParameters params = new java.security.cert.PKIXParameters(
                    java.util.Set.of(new java.security.cert.TrustAnchor(anchor, null)));
                params.addCertStore(java.security.cert.CertStore.getInstance("Collection",
                    new java.security.cert.CollectionCertStoreParameters(crls), BC));
                params.setRevocationEnabled(true);
                params.setDate(new java.util.Date(Long.parseLong(a[3])));
                java.security.cert.CertPathValidator.getInstance("PKIX", BC)
                    .validate(cf.generateCertPath(java.util.List.of(target)), params);
                return "valid";
            }
            case "ocsp-verify": { // responder-signing cert DER, OCSPResponse DER -> true|false status,status,… (RFC 6960)
                // BasicOCSPResp signature check with BC's SM3withSM2 (default ID 1234567812345678).
                org.bouncycastle.cert.ocsp.OCSPResp resp = new org.bouncycastle.cert.ocsp.OCSPResp(hex(a[2]));
                if (resp.getStatus() != 0) throw new IllegalStateException("responseStatus " + resp.getStatus());
                org.bouncycastle.cert.ocsp.BasicOCSPResp basic = (org.bouncycastle.cert.ocsp.BasicOCSPResp) resp.getResponseObject();
                boolean valid = basic.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                    .setProvider(BC).build(new org.bouncycastle.cert.X509CertificateHolder(hex(a[1]))));
                java.util.List<String> statuses = new java.util.ArrayList<>();
                for (org.bouncycastle.cert.ocsp.SingleResp r : basic.getResponses()) {
                    Object s = r.getCertStatus();
                    if (s == null) statuses.add("good");
                    else if (s instanceof org.bouncycastle.cert.ocsp.RevokedStatus) {
                        org.bouncycastle.cert.ocsp.RevokedStatus rs = (org.bouncycastle.cert.ocsp.RevokedStatus) s;
                        statuses.add(rs.hasRevocationReason() ? "revoked:" + rs.getRevocationReason() : "revoked");
                    } else statuses.add("unknown");
                }
                return valid + " " + String.join(",", statuses);
            }
            case "cms-verify": { // CMS DER, detached content or - -> true|false per signer (CMSSignedData; BC's SM3withSM2 uses the default ID)
                if (java.security.Security.getProvider("BC") == null)
                    java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
                org.bouncycastle.cms.CMSSignedData sd = a[2].equals("-")
                    ? new org.bouncycastle.cms.CMSSignedData(hex(a[1]))
                    : new org.bouncycastle.cms.CMSSignedData(new org.bouncycastle.cms.CMSProcessableByteArray(hex(a[2])), hex(a[1]));
                org.bouncycastle.util.Store<org.bouncycastle.cert.X509CertificateHolder> certs = sd.getCertificates();
                StringBuilder verdicts = new StringBuilder();
                for (org.bouncycastle.cms.SignerInformation si : sd.getSignerInfos().getSigners()) {
                    @SuppressWarnings("unchecked")
                    java.util.Collection<org.bouncycastle.cert.X509CertificateHolder> found = certs.getMatches(si.getSID());
                    if (found.isEmpty()) throw new IllegalStateException("no certificate matches a signer");
                    // BC 1.72 names no signature for SM2-1 (…301.1, GM/T 0010 per reference §8.2): tell it
                    // that 301.1 with SM3 is SM3withSM2, and leave every other name to BC.
                    org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator base = new org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator();
                    org.bouncycastle.cms.CMSSignatureAlgorithmNameGenerator names = (digest, enc) -> // a lambda: bc.ts copies BcCheck.class only
                        enc.getAlgorithm().getId().equals("1.2.156.10197.1.301.1") && digest.getAlgorithm().getId().equals("1.2.156.10197.1.401")
                            ? "SM3WITHSM2" : base.getSignatureName(digest, enc);
                    boolean ok = si.verify(new org.bouncycastle.cms.SignerInformationVerifier(names,
                        new org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder(),
                        new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().setProvider("BC").build(found.iterator().next()),
                        new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().setProvider("BC").build()));
                    verdicts.append(verdicts.length() == 0 ? "" : " ").append(ok);
                }
                return verdicts.toString();
            }
            case "cms-sign": { // d, signer certificate DER, content, attached|detached -> CMS DER (BC defaults: SM3withSM2, signed attributes)
                if (java.security.Security.getProvider("BC") == null)
                    java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
                java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC", "BC").generatePrivate(
                    new org.bouncycastle.jce.spec.ECPrivateKeySpec(new BigInteger(1, hex(a[1])),
                        org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec("sm2p256v1")));
                org.bouncycastle.cert.X509CertificateHolder cert = new org.bouncycastle.cert.X509CertificateHolder(hex(a[2]));
                org.bouncycastle.cms.CMSSignedDataGenerator gen = new org.bouncycastle.cms.CMSSignedDataGenerator();
                gen.addSignerInfoGenerator(new org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder(
                        new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().setProvider("BC").build())
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SM3withSM2").setProvider("BC").build(key), cert));
                gen.addCertificate(cert);
                org.bouncycastle.cms.CMSSignedData sd =
                    gen.generate(new org.bouncycastle.cms.CMSProcessableByteArray(hex(a[3])), a[4].equals("attached"));
                return hex(sd.getEncoded("DER"));
            }
            case "gm-envelope-open": { // recipient d, GM/T 0010 EnvelopedData or SignedAndEnvelopedData DER -> plaintext [true|false per signer]
                // By hand: BC's CMSEnvelopedData parses this but has no key-transport cipher for
                // 1.2.156.10197.1.301.3 ("No such algorithm"), nor a reader for a DER SM2Cipher. Structure per reference §8.1.
                org.bouncycastle.asn1.ASN1Sequence ci = org.bouncycastle.asn1.ASN1Sequence.getInstance(hex(a[2]));
                String type = org.bouncycastle.asn1.ASN1ObjectIdentifier.getInstance(ci.getObjectAt(0)).getId();
                boolean signed = type.equals("1.2.156.10197.6.1.4.2.4");
                if (!signed && !type.equals("1.2.156.10197.6.1.4.2.3")) throw new IllegalArgumentException("content type " + type);
                org.bouncycastle.asn1.ASN1Sequence body = org.bouncycastle.asn1.ASN1Sequence.getInstance(
                    org.bouncycastle.asn1.ASN1TaggedObject.getInstance(ci.getObjectAt(1)).getExplicitBaseObject());
                byte[] sm4Key = null;
                for (org.bouncycastle.asn1.ASN1Encodable r : org.bouncycastle.asn1.ASN1Set.getInstance(body.getObjectAt(1))) {
                    org.bouncycastle.asn1.ASN1Sequence ri = org.bouncycastle.asn1.ASN1Sequence.getInstance(r);
                    String alg = org.bouncycastle.asn1.x509.AlgorithmIdentifier.getInstance(ri.getObjectAt(2)).getAlgorithm().getId();
                    if (!alg.equals("1.2.156.10197.1.301.3")) throw new IllegalArgumentException("keyEncryptionAlgorithm " + alg);
                    org.bouncycastle.asn1.ASN1Sequence c = org.bouncycastle.asn1.ASN1Sequence.getInstance(
                        org.bouncycastle.asn1.ASN1OctetString.getInstance(ri.getObjectAt(3)).getOctets());
                    byte[] c1c3c2 = org.bouncycastle.util.Arrays.concatenate(
                        new byte[] {4},
                        org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, org.bouncycastle.asn1.ASN1Integer.getInstance(c.getObjectAt(0)).getValue()),
                        org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, org.bouncycastle.asn1.ASN1Integer.getInstance(c.getObjectAt(1)).getValue()),
                        org.bouncycastle.util.Arrays.concatenate(
                            org.bouncycastle.asn1.ASN1OctetString.getInstance(c.getObjectAt(2)).getOctets(),
                            org.bouncycastle.asn1.ASN1OctetString.getInstance(c.getObjectAt(3)).getOctets()));
                    SM2Engine e = new SM2Engine(SM2Engine.Mode.C1C3C2);
                    e.init(false, priv(a[1]));
                    try {
                        sm4Key = e.processBlock(c1c3c2, 0, c1c3c2.length);
                        break;
                    } catch (org.bouncycastle.crypto.InvalidCipherTextException notOurs) {
                        // another recipient's key
                    }
                }
                if (sm4Key == null) throw new IllegalStateException("no RecipientInfo opens with this key");
                org.bouncycastle.asn1.ASN1Sequence eci = org.bouncycastle.asn1.ASN1Sequence.getInstance(body.getObjectAt(signed ? 3 : 2));
                org.bouncycastle.asn1.x509.AlgorithmIdentifier cea = org.bouncycastle.asn1.x509.AlgorithmIdentifier.getInstance(eci.getObjectAt(1));
                if (!cea.getAlgorithm().getId().equals("1.2.156.10197.1.104.2")) throw new IllegalArgumentException("not SM4-CBC");
                byte[] iv = org.bouncycastle.asn1.ASN1OctetString.getInstance(cea.getParameters()).getOctets();
                byte[] ct = org.bouncycastle.asn1.ASN1OctetString.getInstance(
                    org.bouncycastle.asn1.ASN1TaggedObject.getInstance(eci.getObjectAt(2)), false).getOctets();
                org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher sm4 = new org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher(
                    new org.bouncycastle.crypto.modes.CBCBlockCipher(new SM4Engine()), new org.bouncycastle.crypto.paddings.PKCS7Padding());
                sm4.init(false, new ParametersWithIV(new KeyParameter(sm4Key), iv));
                byte[] buf = new byte[sm4.getOutputSize(ct.length)];
                int n = sm4.processBytes(ct, 0, ct.length, buf, 0);
                n += sm4.doFinal(buf, n);
                byte[] plain = java.util.Arrays.copyOf(buf, n);
                StringBuilder out = new StringBuilder(hex(plain));
                if (signed) { // SM2 signature (default ID) over the plaintext, SignerInfo without attributes
                    java.util.List<org.bouncycastle.cert.X509CertificateHolder> certs = new java.util.ArrayList<>();
                    for (int i = 4; i < body.size() - 1; i++) {
                        org.bouncycastle.asn1.ASN1TaggedObject t = org.bouncycastle.asn1.ASN1TaggedObject.getInstance(body.getObjectAt(i));
                        if (t.getTagNo() != 0) continue;
                        for (org.bouncycastle.asn1.ASN1Encodable x : org.bouncycastle.asn1.ASN1Set.getInstance(t, false))
                            certs.add(new org.bouncycastle.cert.X509CertificateHolder(org.bouncycastle.asn1.x509.Certificate.getInstance(x)));
                    }
                    for (org.bouncycastle.asn1.ASN1Encodable s : org.bouncycastle.asn1.ASN1Set.getInstance(body.getObjectAt(body.size() - 1))) {
                        org.bouncycastle.asn1.ASN1Sequence si = org.bouncycastle.asn1.ASN1Sequence.getInstance(s);
                        if (si.size() != 5) throw new IllegalArgumentException("this checker reads SignerInfos without attributes");
                        org.bouncycastle.asn1.cms.IssuerAndSerialNumber ias = org.bouncycastle.asn1.cms.IssuerAndSerialNumber.getInstance(si.getObjectAt(1));
                        org.bouncycastle.cert.X509CertificateHolder signer = null;
                        for (org.bouncycastle.cert.X509CertificateHolder h : certs)
                            if (h.getIssuer().equals(ias.getName()) && h.getSerialNumber().equals(ias.getSerialNumber().getValue())) signer = h;
                        if (signer == null) throw new IllegalStateException("no certificate matches a signer");
                        SM2Signer v = new SM2Signer();
                        v.init(false, PublicKeyFactory.createKey(signer.getSubjectPublicKeyInfo()));
                        v.update(plain, 0, plain.length);
                        out.append(' ').append(v.verifySignature(org.bouncycastle.asn1.ASN1OctetString.getInstance(si.getObjectAt(4)).getOctets()));
                    }
                }
                return out.toString();
            }
            case "crl-verify": { // issuer cert DER, CRL DER -> holder-valid jca-valid entries crlNumber base|- serial:reason,… (RFC 5280 §5)
                // Both BC paths: X509CRLHolder with a JCA verifier, and the provider's X509CRL.verify
                // (SM3withSM2, default ID 1234567812345678).
                org.bouncycastle.cert.X509CertificateHolder issuer = new org.bouncycastle.cert.X509CertificateHolder(hex(a[1]));
                org.bouncycastle.cert.X509CRLHolder holder = new org.bouncycastle.cert.X509CRLHolder(hex(a[2]));
                boolean holderValid = holder.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                    .setProvider(BC).build(issuer));
                java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509", BC);
                java.security.cert.X509CRL crl = (java.security.cert.X509CRL) cf.generateCRL(new ByteArrayInputStream(hex(a[2])));
                java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) cf.generateCertificate(new ByteArrayInputStream(hex(a[1])));
                boolean jcaValid;
                try {
                    crl.verify(cert.getPublicKey(), BC);
                    jcaValid = true;
                } catch (java.security.SignatureException e) {
                    jcaValid = false;
                }
                org.bouncycastle.asn1.x509.Extension number = holder.getExtension(org.bouncycastle.asn1.x509.Extension.cRLNumber);
                org.bouncycastle.asn1.x509.Extension delta = holder.getExtension(org.bouncycastle.asn1.x509.Extension.deltaCRLIndicator);
                java.util.List<String> entries = new java.util.ArrayList<>();
                for (Object o : holder.getRevokedCertificates()) {
                    org.bouncycastle.cert.X509CRLEntryHolder e = (org.bouncycastle.cert.X509CRLEntryHolder) o;
                    org.bouncycastle.asn1.x509.Extension r = e.getExtension(org.bouncycastle.asn1.x509.Extension.reasonCode);
                    entries.add(e.getSerialNumber().toString(16) + ":"
                        + (r == null ? "-" : org.bouncycastle.asn1.x509.CRLReason.getInstance(r.getParsedValue()).getValue()));
                }
                return holderValid + " " + jcaValid + " " + entries.size()
                    + " " + (number == null ? "-" : org.bouncycastle.asn1.ASN1Integer.getInstance(number.getParsedValue()).getValue())
                    + " " + (delta == null ? "-" : org.bouncycastle.asn1.ASN1Integer.getInstance(delta.getParsedValue()).getValue())
                    + " " + (entries.isEmpty() ? "-" : String.join(",", entries));
            }
            default:
                throw new IllegalArgumentException("unknown command " + a[0]);
        }
    }

    static void writePem(String label, byte[] der, String path) throws IOException {
        try (PemWriter w = new PemWriter(new FileWriter(path))) {
            w.writeObject(new PemObject(label, der));
        }
    }
}
