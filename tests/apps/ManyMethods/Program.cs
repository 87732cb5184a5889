// Calls 1,002 of its 100,001 generated methods (three times each for Many.C000, once for two
// others) and prints a checksum: the output must be the same with every method probed.
int sum = 0;
for (int round = 0; round < 3; round++) sum += Many.C000.CallAll(round);
sum += Many.C050.M0500(7) + Many.C099.M0999(9);
Console.WriteLine($"checksum {sum}");
Console.WriteLine("calls made 3005");
return 0;
