/* fpkernels: double-precision kernels: the classic 5-body planetary n-body
 * simulation (energy before/after), a blocked double matrix multiply, a
 * Mandelbrot set count and a 1-D Jacobi relaxation. Usage: fpkernels [scale]. */
#define DEFAULT_SCALE 12   /* about 1.5 s under qemu-riscv64 */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24

struct body { double x, y, z, vx, vy, vz, mass; };

static struct body bodies[5] = {
    { 0, 0, 0, 0, 0, 0, SOLAR_MASS },
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * DAYS_PER_YEAR,
      7.69901118419740425e-03 * DAYS_PER_YEAR, -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS },
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * DAYS_PER_YEAR,
      4.99852801234917238e-03 * DAYS_PER_YEAR, 2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS },
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * DAYS_PER_YEAR,
      2.37847173959480950e-03 * DAYS_PER_YEAR, -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS },
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * DAYS_PER_YEAR,
      1.62824170038242295e-03 * DAYS_PER_YEAR, -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS },
};

static void advance(int n, double dt)
{
    for (int i = 0; i < n; i++) {
        struct body *bi = &bodies[i];
        for (int j = i + 1; j < n; j++) {
            struct body *bj = &bodies[j];
            double dx = bi->x - bj->x, dy = bi->y - bj->y, dz = bi->z - bj->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            bi->vx -= dx * bj->mass * mag; bi->vy -= dy * bj->mass * mag; bi->vz -= dz * bj->mass * mag;
            bj->vx += dx * bi->mass * mag; bj->vy += dy * bi->mass * mag; bj->vz += dz * bi->mass * mag;
        }
    }
    for (int i = 0; i < n; i++) { bodies[i].x += dt * bodies[i].vx; bodies[i].y += dt * bodies[i].vy; bodies[i].z += dt * bodies[i].vz; }
}

static double energy(int n)
{
    double e = 0;
    for (int i = 0; i < n; i++) {
        struct body *b = &bodies[i];
        e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
        for (int j = i + 1; j < n; j++) {
            double dx = b->x - bodies[j].x, dy = b->y - bodies[j].y, dz = b->z - bodies[j].z;
            e -= b->mass * bodies[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void offset_momentum(int n)
{
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < n; i++) { px += bodies[i].vx * bodies[i].mass; py += bodies[i].vy * bodies[i].mass; pz += bodies[i].vz * bodies[i].mass; }
    bodies[0].vx = -px / SOLAR_MASS; bodies[0].vy = -py / SOLAR_MASS; bodies[0].vz = -pz / SOLAR_MASS;
}

static double matmul(int n)
{
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = calloc((size_t)n * n, sizeof(double));
    for (int i = 0; i < n * n; i++) { a[i] = (double)(i % 17) / 7.0 - 1.0; b[i] = (double)(i % 13) / 5.0 + 0.25; }
    const int bs = 32;
    for (int ii = 0; ii < n; ii += bs)
        for (int kk = 0; kk < n; kk += bs)
            for (int i = ii; i < ii + bs && i < n; i++)
                for (int k = kk; k < kk + bs && k < n; k++) {
                    double aik = a[i * n + k];
                    for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
                }
    double tr = 0;
    for (int i = 0; i < n; i++) tr += c[i * n + i] + c[i * n + (n - 1 - i)] * 0.5;
    free(a); free(b); free(c);
    return tr;
}

static long mandel(int w, int h, int maxit)
{
    long total = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double cr = -2.0 + 2.5 * x / w, ci = -1.25 + 2.5 * y / h, zr = 0, zi = 0;
            int it = 0;
            while (it < maxit && zr * zr + zi * zi <= 4.0) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; it++; }
            total += it;
        }
    return total;
}

static double jacobi(int n, int iters)
{
    double *u = calloc(n, sizeof(double)), *v = calloc(n, sizeof(double));
    u[0] = v[0] = 1.0; u[n - 1] = v[n - 1] = -1.0;
    for (int t = 0; t < iters; t++) {
        for (int i = 1; i < n - 1; i++) v[i] = 0.5 * (u[i - 1] + u[i + 1]) + 1e-6 * sin((double)i);
        double *s = u; u = v; v = s;
    }
    double sum = 0;
    for (int i = 0; i < n; i++) sum += u[i] * (i % 7);
    free(u); free(v);
    return sum;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : DEFAULT_SCALE;
    if (scale < 1) scale = 1;
    offset_momentum(5);
    printf("nbody energy before %.9f\n", energy(5));
    for (int i = 0; i < 20000 * scale; i++) advance(5, 0.01);
    printf("nbody energy after  %.9f\n", energy(5));
    printf("matmul trace %.6f\n", matmul(64 + 8 * scale));
    printf("mandelbrot %ld\n", mandel(40 * scale, 30 * scale, 200));
    printf("jacobi %.9f\n", jacobi(2000, 20 * scale));
    return 0;
}
