namespace Msp.Core.Devices;

/// <summary>The requested device cannot be used on this machine; the message says why and what to do.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);
