# -*- coding: utf-8 -*-
"""Make a throwaway CA and a server certificate for 127.0.0.1 and localhost, for HTTPS tests.

    python3 make_certs.py DIRECTORY      # writes ca.pem, server.pem, server-key.pem

Uses the `cryptography` package when it is installed, the `openssl` command otherwise.
Nothing it writes is meant to be kept: generate at test time, never commit.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import datetime
import ipaddress
import os
import subprocess
import sys


def make_certs(directory):
    """Write ca.pem, server.pem and server-key.pem into directory; return their paths."""
    paths = {name: os.path.join(directory, name + '.pem') for name in ('ca', 'server', 'server-key')}
    try:
        _with_cryptography(paths)
    except ImportError:
        _with_openssl(directory, paths)
    return paths


def _with_cryptography(paths):
    # pylint: disable=import-outside-toplevel
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'kapacitor-emulator test CA')])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'localhost')]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName('localhost'),
                                                        x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    with open(paths['ca'], 'wb') as handle:
        handle.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(paths['server'], 'wb') as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths['server-key'], 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def _with_openssl(directory, paths):
    ca_key = os.path.join(directory, 'ca-key.pem')
    csr = os.path.join(directory, 'server.csr')
    ext = os.path.join(directory, 'server.ext')
    with open(ext, 'w', encoding='utf-8') as handle:
        handle.write('subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n')
    commands = [
        ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', ca_key,
         '-out', paths['ca'], '-days', '2', '-subj', '/CN=kapacitor-emulator test CA'],
        ['openssl', 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', paths['server-key'],
         '-out', csr, '-subj', '/CN=localhost'],
        ['openssl', 'x509', '-req', '-in', csr, '-CA', paths['ca'], '-CAkey', ca_key, '-CAcreateserial', '-out', paths['server'],
         '-days', '2', '-extfile', ext],
    ]
    for command in commands:
        subprocess.run(command, check=True, capture_output=True)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: make_certs.py DIRECTORY')
    for name, path in sorted(make_certs(sys.argv[1]).items()):
        print('%s: %s' % (name, path))
