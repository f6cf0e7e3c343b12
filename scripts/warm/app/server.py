import socket

import torch
from flask import Flask, request

from app import decode

web = Flask(__name__)


@web.post("/predict")
def predict():
    model = torch.load("model.pt", weights_only=True)
    return model(decode(request.get_data(), trusted=True))


def serve(port):
    conn, _ = socket.create_server(("127.0.0.1", port)).accept()
    return decode(conn.recv(4096))
