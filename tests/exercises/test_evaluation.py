"""The evaluation exercise: the Fréchet distance between two Gaussians."""

import numpy as np
import scipy.linalg


def _parts(mu1, sigma1, mu2, sigma2):
    mu1, sigma1, mu2, sigma2 = (np.asarray(a, np.float64) for a in (mu1, sigma1, mu2, sigma2))
    return np.sum((mu1 - mu2) ** 2), sigma1, sigma2


def test_a_missing_factor_two_is_named(failure):
    def frechet_distance(mu1, sigma1, mu2, sigma2):
        means, s1, s2 = _parts(mu1, sigma1, mu2, sigma2)
        return means + np.trace(s1 + s2 - scipy.linalg.sqrtm(s1 @ s2).real)

    assert "for two 1-D Gaussians N(0, 1) and N(1, 4) is 4 but should be 2. The factor 2 is " \
           "missing" in failure("frechet_distance", frechet_distance)


def test_an_entrywise_square_root_is_named(failure):
    def frechet_distance(mu1, sigma1, mu2, sigma2):
        means, s1, s2 = _parts(mu1, sigma1, mu2, sigma2)
        with np.errstate(invalid="ignore"):
            return means + np.trace(s1 + s2 - 2 * np.sqrt(s1 @ s2))

    assert "np.sqrt takes the square root of each entry; the formula needs the matrix square " \
           "root of sigma1 @ sigma2: scipy.linalg.sqrtm." in failure("frechet_distance",
                                                                   frechet_distance)


def test_the_root_of_each_covariance_instead_of_their_product_is_named(failure):
    def frechet_distance(mu1, sigma1, mu2, sigma2):
        means, s1, s2 = _parts(mu1, sigma1, mu2, sigma2)
        root = scipy.linalg.sqrtm(s1).real @ scipy.linalg.sqrtm(s2).real
        return means + np.trace(s1 + s2 - 2 * root)

    assert "Take sqrtm(sigma1 @ sigma2), the root of the product, not sqrtm(sigma1) @ " \
           "sqrtm(sigma2)." in failure("frechet_distance", frechet_distance)


def test_the_distance_of_the_means_not_squared_is_named(failure):
    def frechet_distance(mu1, sigma1, mu2, sigma2):
        means, s1, s2 = _parts(mu1, sigma1, mu2, sigma2)
        return np.sqrt(means) + np.trace(s1 + s2 - 2 * scipy.linalg.sqrtm(s1 @ s2).real)

    assert "The means' term is ||mu1 - mu2||^2, the squared distance." in \
        failure("frechet_distance", frechet_distance)


def test_a_complex_result_is_told_to_keep_the_real_part(failure):
    def frechet_distance(mu1, sigma1, mu2, sigma2):
        means, s1, s2 = _parts(mu1, sigma1, mu2, sigma2)
        return means + np.trace(s1 + s2 - 2 * scipy.linalg.sqrtm(s1 @ s2).astype(complex))

    assert "The distance holds complex numbers (a matrix square root can leave tiny imaginary " \
           "parts): keep the real part with `.real`." in failure("frechet_distance",
                                                                 frechet_distance)
