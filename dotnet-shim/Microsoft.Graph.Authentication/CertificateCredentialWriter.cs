using System;
using System.Buffers;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace GraphRust.Authentication
{
    /// <summary>A certificate that cannot be used to sign in, and why.</summary>
    public sealed class CertificateProblemException : Exception
    {
        public CertificateProblemException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }

    /// <summary>
    /// Finds and checks certificates (.NET owns the stores and key formats) and writes
    /// what the native side needs to sign a client assertion: the PKCS#8 key, the
    /// thumbprints and the chain. Key bytes are wiped as soon as they are written.
    /// </summary>
    internal static class CertificateCredentialWriter
    {
        internal static X509Certificate2 FromStore(string? thumbprint, string? subjectName)
        {
            foreach (StoreLocation location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
            {
                X509Store store;
                try
                {
                    store = new X509Store(StoreName.My, location);
                    store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                }
                catch (CryptographicException)
                {
                    // LocalMachine\My does not exist on every platform.
                    continue;
                }

                using (store)
                {
                    X509Certificate2Collection found = thumbprint is not null
                        ? store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint.Replace(" ", string.Empty), validOnly: false)
                        : store.Certificates.Find(
                            subjectName!.Contains('=') ? X509FindType.FindBySubjectDistinguishedName : X509FindType.FindBySubjectName,
                            subjectName,
                            validOnly: false);
                    X509Certificate2? best = found.Cast<X509Certificate2>()
                        .Where(c => c.HasPrivateKey)
                        .OrderByDescending(c => c.NotAfter)
                        .FirstOrDefault() ?? found.Cast<X509Certificate2>().FirstOrDefault();
                    if (best is not null)
                    {
                        return best;
                    }
                }
            }

            throw new CertificateProblemException(thumbprint is not null
                ? $"No certificate with thumbprint {thumbprint} was found in CurrentUser\\My or LocalMachine\\My."
                : $"No certificate with subject '{subjectName}' was found in CurrentUser\\My or LocalMachine\\My.");
        }

        /// <summary>A PEM (certificate and key in one file) or PFX file, as AZURE_CLIENT_CERTIFICATE_PATH names.</summary>
        internal static X509Certificate2 FromFile(string path, SecureString? password)
        {
            if (!File.Exists(path))
            {
                throw new CertificateProblemException($"The certificate file '{path}' does not exist.");
            }

            try
            {
                string head = File.ReadAllText(path).TrimStart();
                if (head.StartsWith("-----BEGIN", StringComparison.Ordinal))
                {
                    return X509Certificate2.CreateFromPemFile(path);
                }

                return new X509Certificate2(path, password, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new CertificateProblemException($"The certificate file '{path}' could not be read: {e.Message}", e);
            }
        }

        /// <summary>Checks the certificate and writes its credential fields into the connect arguments.</summary>
        internal static void Write(Utf8JsonWriter writer, X509Certificate2 certificate, bool sendChain)
        {
            DateTime now = DateTime.Now;
            if (certificate.NotBefore > now)
            {
                throw new CertificateProblemException($"The certificate {certificate.Thumbprint} ({certificate.Subject}) is not valid before {certificate.NotBefore:u}.");
            }

            if (certificate.NotAfter < now)
            {
                throw new CertificateProblemException($"The certificate {certificate.Thumbprint} ({certificate.Subject}) expired on {certificate.NotAfter:u}.");
            }

            if (!certificate.HasPrivateKey)
            {
                throw new CertificateProblemException($"The certificate {certificate.Thumbprint} ({certificate.Subject}) has no private key; sign-in needs the certificate with its key.");
            }

            byte[] key;
            using (RSA? rsa = certificate.GetRSAPrivateKey())
            {
                if (rsa is null)
                {
                    throw new CertificateProblemException($"The certificate {certificate.Thumbprint} does not have an RSA key; the identity platform signs client assertions with RS256.");
                }

                try
                {
                    key = rsa.ExportPkcs8PrivateKey();
                }
                catch (CryptographicException e)
                {
                    throw new CertificateProblemException(
                        $"The private key of certificate {certificate.Thumbprint} cannot be exported; import the certificate with an exportable key.", e);
                }
            }

            try
            {
                writer.WriteBase64String("privateKey", key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }

            writer.WriteString("x5t", Base64Url(certificate.GetCertHash(HashAlgorithmName.SHA1)));
            writer.WriteString("x5tS256", Base64Url(certificate.GetCertHash(HashAlgorithmName.SHA256)));
            writer.WriteBoolean("sendChain", sendChain);
            writer.WriteStartArray("x5c");
            foreach (X509Certificate2 element in Chain(certificate))
            {
                writer.WriteBase64StringValue(element.RawData);
            }

            writer.WriteEndArray();
            writer.WriteString("thumbprint", certificate.Thumbprint);
            writer.WriteString("subjectName", certificate.Subject);
        }

        private static X509Certificate2[] Chain(X509Certificate2 certificate)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            // Building the chain must not fetch anything from the network.
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllFlags;
            chain.Build(certificate);
            X509Certificate2[] elements = chain.ChainElements.Cast<X509ChainElement>().Select(e => e.Certificate).ToArray();
            return elements.Length == 0 ? new[] { certificate } : elements;
        }

        private static string Base64Url(byte[] bytes) =>
            Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Writes a SecureString's characters into JSON without making a managed string of them.</summary>
    internal static class SecureStringWriter
    {
        internal static void Write(Utf8JsonWriter writer, string name, SecureString secret)
        {
            char[] chars = Array.Empty<char>();
            IntPtr unmanaged = IntPtr.Zero;
            try
            {
                unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secret);
                chars = new char[secret.Length];
                Marshal.Copy(unmanaged, chars, 0, chars.Length);
                writer.WriteString(name, chars);
            }
            finally
            {
                Array.Clear(chars);
                if (unmanaged != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
                }
            }
        }
    }
}
