"""statsmodels pack: fitted models and results wrappers as results.save() writes them (OLS, GLM, discrete models,
ARIMA/SARIMAX state-space results, Holt-Winters with its Holt and simple exponential smoothing forms, AutoReg with and without a DeterministicProcess, VAR), and the VAR
model itself pickled unfitted (as projects pickle it beside their data)."""

import pickle

import numpy as np
import pandas as pd
import statsmodels

PACK = "statsmodels"
TITLE = "statsmodels models, results and results wrappers"
MODULES = ("statsmodels",)


def versions():
    return {"statsmodels": statsmodels.__version__}


def _fits():
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from statsmodels.tsa.ar_model import AutoReg
    from statsmodels.tsa.arima.model import ARIMA
    from statsmodels.tsa.deterministic import DeterministicProcess
    from statsmodels.tsa.holtwinters import ExponentialSmoothing, Holt, SimpleExpSmoothing
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    rng = np.random.RandomState(0)
    X = sm.add_constant(rng.uniform(size=(30, 2)))
    y = X @ np.array([1.0, 2.0, -1.0]) + rng.normal(0, 0.1, 30)
    yb = (y > np.median(y)).astype(float)
    df = pd.DataFrame({"y": y, "x1": X[:, 1], "x2": X[:, 2], "g": list("ab") * 15})
    s = pd.Series(np.sin(np.arange(24) / 3.0) + rng.normal(0, 0.1, 24),
                  index=pd.date_range("2020-01", periods=24, freq="M"))
    return {
        "OLS": lambda: sm.OLS(y, X).fit(),
        "WLS": lambda: sm.WLS(y, X, weights=np.ones(30)).fit(),
        "ols formula": lambda: smf.ols("y ~ x1 + C(g)", data=df).fit(),
        "GLM binomial": lambda: sm.GLM(yb, X, family=sm.families.Binomial()).fit(),
        "GLM poisson": lambda: sm.GLM(np.abs(y).round(), X, family=sm.families.Poisson()).fit(),
        "Logit": lambda: sm.Logit(yb, X).fit(disp=0),
        "Probit": lambda: sm.Probit(yb, X).fit(disp=0),
        "ARIMA": lambda: ARIMA(s, order=(1, 0, 0)).fit(),
        "SARIMAX": lambda: SARIMAX(s, order=(1, 0, 0)).fit(disp=0),
        "Holt-Winters": lambda: ExponentialSmoothing(s, trend="add").fit(),
        "Holt": lambda: Holt(s, damped_trend=True).fit(),
        "simple exponential smoothing": lambda: SimpleExpSmoothing(s).fit(),
        "AutoReg": lambda: AutoReg(s, lags=2, trend="ct").fit(),
        "AutoReg deterministic": lambda: AutoReg(
            s, lags=1, trend="n", deterministic=DeterministicProcess(s.index, constant=True, order=1, fourier=1,
                                                                     period=12)).fit(),
        "VAR": lambda: _var().fit(1),
    }


def _var():
    from statsmodels.tsa.api import VAR

    rng = np.random.RandomState(1)
    return VAR(pd.DataFrame(rng.normal(size=(40, 2)).cumsum(axis=0), columns=["a", "b"],
                            index=pd.date_range("2020-01", periods=40, freq="M")))


def objects():
    return []


def streams():
    """results.save() bytes of each fitted model, before and after remove_data()."""
    from pack_derivation import saved_bytes

    out = []
    for label, fit in _fits().items():
        res = fit()
        out += [(f"{label}.save", data) for _f, data in saved_bytes(res.save)]
        if hasattr(res, "remove_data"):
            res.remove_data()
            out += [(f"{label}.save after remove_data", data) for _f, data in saved_bytes(res.save)]
    model = _var()
    out += [(f"VAR model pickled p{p}", pickle.dumps(model, protocol=p)) for p in (2, 4, 5)]
    return out


FUNCTIONS = {}
_WRAP = "results wrappers: attribute names and the wrapped results object (ResultsWrapper.__setstate__)"
REVIEW = {
    "statsmodels.base.wrapper.ResultsWrapper.__setstate__": ("data", "sets __dict__ from the state (data, results)"),
    "statsmodels.base.data.ModelData.__setstate__": (
        "shape",
        "when the state holds 'restore_design_info', patsy.dmatrices(state['formula'], data, eval_env=depth) runs "
        "and patsy evaluates each term of the pickled formula as Python, looking names up in the pickled data and "
        "the caller's frames; otherwise it only updates __dict__. Admitted only when the state is a literal dict whose "
        "keys are all literal names and either has no 'restore_design_info', or has a 'frame' and a literal formula "
        "made of bare names, numbers, patsy's operators (~ + - * / : ** and parentheses) and patsy's C(name), over "
        "a 'frame' that is None or a DataFrame whose state has only the keys pandas writes (then frame['C'] is "
        "KeyError or a Series, never a stream-chosen callable); any other call, and C with a second argument, is "
        "refused, since the pickled data decides what a called name or a contrast's method resolves to",
    ),
    "statsmodels.tsa.arima.model.ARIMAResults.append": ("data", "APPENDS would refit on appended observations (data)"),
    "statsmodels.tsa.statespace.mlemodel.MLEModel.__setitem__": ("data", "sets a state-space matrix"),
    "statsmodels.tsa.statespace.mlemodel.MLEResults.append": ("data", "APPENDS would refit on appended observations"),
    "statsmodels.tsa.statespace.sarimax.SARIMAXResults.extend": ("data", "APPENDS would extend the model with data"),
    "statsmodels.tools.tools.Bunch.__init__": ("data", "a dict that exposes its keys as attributes"),
    "statsmodels.tsa.statespace.initialization.Initialization.__setitem__": ("data", "sets a component's initial state"),
    "statsmodels.tsa.statespace.representation.Representation.__setitem__": ("data", "sets a state-space matrix"),
    "statsmodels.tsa.statespace.representation.Representation.extend": ("data", "extends the model with data"),
    "statsmodels.*": ("data", "Cython state-space type: allocates and fills C fields"),
}
