// Native memory for a libsodium Ed25519 secret key (seed || public key, RFC 8032 §5.1.5).
// Kept off the managed heap so the GC never copies it, and zeroed before it is freed so the
// seed does not outlive the SigningKey that owns it.
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ledger.Signing.Interop;

internal sealed class SecretKeyHandle : SafeHandle
{
    private readonly int _lengthBytes;

    private unsafe SecretKeyHandle(int lengthBytes)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _lengthBytes = lengthBytes;
        SetHandle((IntPtr)NativeMemory.AllocZeroed((nuint)lengthBytes));
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal static SecretKeyHandle Allocate(int lengthBytes) => new(lengthBytes);

    protected override unsafe bool ReleaseHandle()
    {
        CryptographicOperations.ZeroMemory(new Span<byte>((void*)handle, _lengthBytes));
        NativeMemory.Free((void*)handle);
        return true;
    }
}
