namespace Msp.Core.Data;

/// <summary>The content of an IDX3 image file: <c>Pixels</c> is [Count, Rows, Columns] bytes, row-major.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);
